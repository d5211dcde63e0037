package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's side of the API on a whole controller: its static files and redirects need no
 * token, whoami names the token's role, the stream sends the fleet at once and again on a change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  ControllerHarness c;

  @BeforeAll
  void start(@TempDir Path dir) {
    c = ControllerHarness.start(dir.resolve("data"));
  }

  @AfterAll
  void stop() {
    c.close();
  }

  @Test
  void theDashboardFilesAndItsRedirectsNeedNoTokenButItsDataDoes() {
    Answer page = c.send("GET", "/ui/", null, null, null);
    assertEquals(200, page.status(), page.toString());
    assertTrue(page.body().contains("js/app.js"), page.body());
    Answer script = c.send("GET", "/ui/js/app.js", null, null, null);
    assertEquals(200, script.status());
    assertTrue(script.contentType().contains("javascript"), script.contentType());
    assertEquals(200, c.send("GET", "/ui/dashboard.css", null, null, null).status());
    for (String path : new String[] {"/", "/ui"}) {
      Answer redirect = c.send("GET", path, null, null, null);
      assertEquals(303, redirect.status(), path + ": " + redirect);
    }
    assertEquals(404, c.send("GET", "/ui/nothing-here.js", null, null, null).status());
    assertEquals(401, c.send("GET", "/api/v1/whoami", null, null, null).status());
    assertEquals(401, c.send("GET", "/api/v1/stream", null, null, null).status());
    assertEquals(401, c.send("POST", "/ui/", "text/plain", "x", null).status());
    assertEquals(401, c.send("GET", "/ui/../api/v1/nodes", null, null, null).status());
  }

  @Test
  void whoamiNamesTheRoleAndDescriptionOfTheTokenSent() {
    assertEquals("ADMIN", c.get("/api/v1/whoami").json().get("role").asText());
    String viewer =
        c.post(
                "/api/v1/tokens",
                "application/json",
                "{\"role\":\"VIEWER\",\"description\":\"wall\"}")
            .json()
            .get("token")
            .asText();
    JsonNode who = c.send("GET", "/api/v1/whoami", null, null, viewer).json();
    assertEquals("VIEWER", who.get("role").asText());
    assertEquals("wall", who.get("description").asText());
  }

  @Test
  void theStreamSendsTheFleetAtOnceAndAgainWhenANodeIsEnrolled() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(c.uri("/api/v1/stream"))
                .header("Authorization", "Bearer " + c.adminToken())
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
        r.headers().toString());
    BlockingQueue<JsonNode> events = new ArrayBlockingQueue<>(16);
    Thread reader = Thread.ofVirtual().start(() -> readFleetEvents(r.body(), events));
    try {
      JsonNode first = events.poll(10, TimeUnit.SECONDS);
      assertTrue(first != null, "no fleet event within 10 s");
      long before = first.get("summary").get("total").asLong();
      long changes = first.get("changes").asLong();
      c.enroll("dash-1", "{\"district\":\"north\"}");
      JsonNode next = events.poll(10, TimeUnit.SECONDS);
      assertTrue(next != null, "no fleet event within 10 s of a new node");
      assertEquals(before + 1, next.get("summary").get("total").asLong(), next.toString());
      assertEquals(1, next.get("summary").get("byState").get("PENDING").asLong(), next.toString());
      assertTrue(next.get("changes").asLong() > changes, next.toString());
    } finally {
      r.body().close();
      reader.interrupt();
    }
  }

  /** Reads server-sent events and queues the data of each 'fleet' event. */
  private static void readFleetEvents(InputStream in, BlockingQueue<JsonNode> out) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String event = "";
      StringBuilder data = new StringBuilder();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (event.equals("fleet")) {
            out.put(JSON.readTree(data.toString()));
          }
          event = "";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (IOException | InterruptedException e) {
      // The test closed the stream.
    }
  }
}
