package dev.flotilla.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ApiErrorTextTest {
  @Test
  void anInvalidAnswerPrintsTheApiMessageAndKeepsTheField() {
    ApiException e =
        ApiErrorText.answer(
            400,
            "{\"error\":\"invalid\",\"field\":\"spec.template.image\",\"rule\":\"is required\","
                + "\"message\":\"spec.template.image: is required\"}",
            "POST",
            "/api/v1/deployments",
            true);
    assertEquals("spec.template.image: is required", e.getMessage());
    assertEquals("spec.template.image", e.field());
    assertEquals(400, e.status());
  }

  @Test
  void a401SaysHowToGiveATokenWhetherOneWasSentOrNot() {
    String body = "{\"error\":\"unauthorized\",\"field\":\"\",\"rule\":\"\",\"message\":\"x\"}";
    String none = ApiErrorText.answer(401, body, "GET", "/api/v1/nodes", false).getMessage();
    assertTrue(none.startsWith("the controller needs an API token: pass --token"), none);
    String refused = ApiErrorText.answer(401, body, "GET", "/api/v1/nodes", true).getMessage();
    assertTrue(refused.startsWith("the controller refused the API token (x)"), refused);
  }

  @Test
  void a403SaysAnAdminTokenIsNeeded() {
    String m = ApiErrorText.answer(403, "{}", "POST", "/x", true).getMessage();
    assertTrue(m.startsWith("this needs an admin token"), m);
  }

  @Test
  void a404WithoutAnApiErrorIsAMissingEndpoint() {
    String m =
        ApiErrorText.answer(404, "{\"message\":\"Page Not Found\"}", "GET", "/api/v1/x", true)
            .getMessage();
    assertEquals(
        "the controller has no endpoint GET /api/v1/x; it may be older than this client", m);
  }

  @Test
  void anAnswerThatIsNotJsonIsQuotedShortly() {
    String m = ApiErrorText.answer(502, "<html>bad gateway</html>", "GET", "/p", true).getMessage();
    assertEquals("the controller answered HTTP 502 to GET /p: <html>bad gateway</html>", m);
  }

  @Test
  void aRefusedConnectionNamesTheUrlAndWhereToSetIt() {
    String m =
        ApiErrorText.unreachable(URI.create("http://localhost:8080"), new ConnectException())
            .getMessage();
    assertEquals(
        "cannot reach the controller at http://localhost:8080 (connection refused); set"
            + " --controller, FLOTILLA_CONTROLLER or controller: in ~/.config/flotilla/config.yaml",
        m);
  }
}
