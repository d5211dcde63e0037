package dev.flotilla.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.controller.Controller;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole controller (Micronaut API, embedded broker, SQLite store) on free loopback ports over a
 * data directory, with a small HTTP client that sends the admin token. {@link #restart()} stops it
 * and starts a new one on the same data directory and ports, as an operator's restart would.
 */
public final class ControllerHarness implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path dataDir;
  public final int httpPort;
  public final int brokerPort;
  private final Map<String, Object> extra;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ApplicationContext context;
  private String adminToken;

  private ControllerHarness(Path dataDir, Map<String, Object> extra) {
    this.dataDir = dataDir;
    this.httpPort = freePort();
    this.brokerPort = freePort();
    this.extra = extra;
    start();
  }

  /** Starts a controller over {@code dataDir} with test-friendly liveness settings. */
  public static ControllerHarness start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** As {@link #start(Path)} with extra configuration properties. */
  public static ControllerHarness start(Path dataDir, Map<String, Object> extra) {
    return new ControllerHarness(dataDir, extra);
  }

  private void start() {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", httpPort);
    props.put("micronaut.server.host", "127.0.0.1");
    props.put("flotilla.data-dir", dataDir.toString());
    props.put("flotilla.broker.host", "127.0.0.1");
    props.put("flotilla.broker.port", brokerPort);
    props.put("flotilla.nodes.liveness-interval", "1s");
    props.put("flotilla.dispatch.republish-interval", "2s");
    props.putAll(extra);
    context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    try {
      adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the controller; {@link #restart()} or {@link #close()} after. */
  public void stop() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  public void restart() {
    stop();
    start();
  }

  public Controller controller() {
    return context.getBean(Controller.class);
  }

  public String adminToken() {
    return adminToken;
  }

  public String brokerUri() {
    return "tcp://127.0.0.1:" + brokerPort;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** An HTTP answer: status and body (JSON parsed when it is JSON). */
  public record Answer(int status, String body, String contentType) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Answer get(String path) {
    return send("GET", path, null, null, adminToken);
  }

  public Answer post(String path, String contentType, String body) {
    return send("POST", path, contentType, body, adminToken);
  }

  public Answer delete(String path) {
    return send("DELETE", path, null, null, adminToken);
  }

  /** Sends anything; {@code token} null sends no Authorization header. */
  public Answer send(String method, String path, String contentType, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a bootstrap token and enrolls {@code node} with the {@code generic-x86-64} profile;
   * returns the enrollment answer.
   */
  public JsonNode enroll(String node, String labelsJson) {
    return enroll(node, labelsJson, "generic-x86-64");
  }

  /** Creates a bootstrap token and enrolls {@code node}; returns the enrollment answer. */
  public JsonNode enroll(String node, String labelsJson, String profile) {
    String token =
        post("/api/v1/enrollment-tokens", "application/json", "{\"maxUses\": 1}")
            .json()
            .get("token")
            .asText();
    Answer a =
        send(
            "POST",
            "/api/v1/enroll",
            "application/json",
            "{\"token\":\""
                + token
                + "\",\"nodeId\":\""
                + node
                + "\",\"profile\":\""
                + profile
                + "\",\"labels\":"
                + labelsJson
                + "}",
            null);
    if (a.status() != 200) {
      throw new AssertionError("enrollment failed: " + a);
    }
    return a.json();
  }

  @Override
  public void close() {
    stop();
  }

  /** A port free on loopback now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
