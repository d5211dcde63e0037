package dev.flotilla.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a small local HTTP server that answers late. */
class ApiClientTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private ApiClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/late",
        exchange -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "{\"result\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    client = new ApiClient(new Connection(uri, "t", null));
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void aPostWithItsOwnTimeoutGivesUpThenWithOneLine() {
    ApiException e =
        assertThrows(ApiException.class, () -> client.post("/late", null, Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
  }

  @Test
  void aPostWithItsOwnTimeoutWaitsForALateAnswerWithinIt() {
    Thread.ofVirtual().start(this::releaseSoon);
    assertEquals("OK", client.post("/late", null, Duration.ofSeconds(10)).path("result").asText());
  }

  private void releaseSoon() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    release.countDown();
  }
}
