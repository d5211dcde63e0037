package dev.flotilla.simulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The simulator's client of the controller's HTTP API, with the admin token: enrollment, manifests,
 * rollouts, placement, nodes and events. It only uses what an operator's tools use.
 *
 * <p>A controller that is restarting refuses connections for a few seconds; every call retries a
 * refused connection for up to {@link #RETRY} before giving up, so a scenario step that lands
 * during a controller restart waits for it instead of failing. An answer with an error status is
 * never retried: it throws {@link ApiException} with the controller's message.
 */
public final class ControlPlane {
  static final Duration RETRY = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An error answer from the controller. */
  public static final class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** What enrolling a node answered: the node's MQTT credentials and the key to pin. */
  public record Enrollment(String brokerUrl, String password, String controllerPublicKey) {}

  /** What applying a manifest answered. */
  public record Applied(String deployment, int revision, boolean newRevision, long rolloutId) {}

  /** The generations the controller holds for a node, and its state. */
  public record NodeSync(String id, String state, long desiredGeneration, long observedGeneration) {
    public boolean inSync() {
      return desiredGeneration == observedGeneration;
    }
  }

  /** A node's event as stored by the controller. */
  /**
   * @param order the controller's ingest position: the next read starts after the last one seen
   */
  public record StoredEvent(long order, String node, long sequence, String type) {}

  private final URI api;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ControlPlane(URI api, String token) {
    this.api = Objects.requireNonNull(api, "api");
    this.token = Objects.requireNonNull(token, "token");
  }

  public URI api() {
    return api;
  }

  /** A bootstrap token good for {@code uses} enrollments within a day. */
  public String createEnrollmentToken(int uses) {
    ObjectNode body = JSON.createObjectNode();
    body.put("description", "simulator");
    body.put("maxUses", uses);
    body.put("ttl", "24h");
    return send("POST", "/enrollment-tokens", "application/json", body.toString())
        .path("token")
        .asText();
  }

  /** Enrolls a node; enrolling an enrolled node again gives it new credentials. */
  public Enrollment enroll(
      String enrollmentToken, String nodeId, String profile, Map<String, String> labels) {
    ObjectNode body = JSON.createObjectNode();
    body.put("token", enrollmentToken);
    body.put("nodeId", nodeId);
    body.put("profile", profile);
    ObjectNode l = body.putObject("labels");
    labels.forEach(l::put);
    JsonNode e = send("POST", "/enroll", "application/json", body.toString());
    return new Enrollment(
        e.path("brokerUrl").asText(),
        e.path("password").asText(),
        e.path("controllerPublicKey").asText());
  }

  /** Applies a YAML manifest. */
  public Applied apply(String manifestYaml) {
    JsonNode a = send("POST", "/deployments", "application/yaml", manifestYaml);
    JsonNode d = a.path("deployment");
    JsonNode r = a.path("rollout");
    return new Applied(
        d.path("name").asText(),
        d.path("revision").asInt(),
        a.path("newRevision").asBoolean(),
        r.isMissingNode() || r.isNull() ? -1 : r.path("id").asLong());
  }

  /** The deployment as the controller shows it ({@code image}, {@code revision}, ...). */
  public JsonNode deployment(String name) {
    return send("GET", "/deployments/" + name, null, null);
  }

  /** The deployment's current or last rollout with its progress; empty when it never had one. */
  public Optional<JsonNode> rollout(String name) {
    try {
      return Optional.of(send("GET", "/deployments/" + name + "/rollout", null, null));
    } catch (ApiException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** pause, resume, promote, abort or undo. */
  public void rolloutCommand(String deployment, String command) {
    if (command.equals("undo")) {
      send("POST", "/deployments/" + deployment + "/undo", "application/json", "{}");
    } else {
      send("POST", "/deployments/" + deployment + "/rollout/" + command, null, "");
    }
  }

  /** The nodes the deployment is placed on now. */
  public Set<String> placed(String deployment) {
    Set<String> out = new HashSet<>();
    String after = "";
    while (true) {
      JsonNode page =
          send(
              "GET",
              "/deployments/"
                  + deployment
                  + "/placement?placed=true&limit=10000&continue="
                  + encode(after),
              null,
              null);
      for (JsonNode n : page.path("nodes")) {
        out.add(n.path("node").asText());
      }
      JsonNode next = page.path("continueToken");
      if (next.isMissingNode() || next.isNull() || next.asText().isEmpty()) {
        return out;
      }
      after = next.asText();
    }
  }

  /** Every node's state and generations. */
  public List<NodeSync> nodes() {
    List<NodeSync> out = new ArrayList<>();
    String after = "";
    while (true) {
      JsonNode page = send("GET", "/nodes?limit=1000&continue=" + encode(after), null, null);
      for (JsonNode n : page.path("items")) {
        out.add(
            new NodeSync(
                n.path("id").asText(),
                n.path("state").asText(),
                n.path("desiredGeneration").asLong(),
                n.path("observedGeneration").asLong()));
      }
      JsonNode next = page.path("continueToken");
      if (next.isMissingNode() || next.isNull() || next.asText().isEmpty()) {
        return out;
      }
      after = next.asText();
    }
  }

  /** Every event the controller stored after position {@code after}, in order. */
  public List<StoredEvent> events(long after) {
    List<StoredEvent> out = new ArrayList<>();
    long position = after;
    while (true) {
      JsonNode page = send("GET", "/events?limit=1000&after=" + position, null, null);
      JsonNode items = page.path("items");
      for (JsonNode e : items) {
        out.add(
            new StoredEvent(
                e.path("order").asLong(),
                e.path("node").asText(),
                e.path("sequence").asLong(),
                e.path("type").asText()));
      }
      if (items.size() < 1000) {
        return out;
      }
      position = page.path("next").asLong();
    }
  }

  /** Counts of nodes by state. */
  public Map<String, Long> summary() {
    JsonNode s = send("GET", "/fleet/summary", null, null);
    Map<String, Long> out = new HashMap<>();
    s.path("byState").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  private JsonNode send(String method, String path, String contentType, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(api.resolve("/api/v1" + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpRequest request = b.build();
    Instant giveUp = Instant.now().plus(RETRY);
    while (true) {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        if (Instant.now().isAfter(giveUp)) {
          throw new ApiException(
              0, method + " " + path + ": the controller at " + api + " does not answer: " + e);
        }
        pause();
        continue;
      } catch (IOException e) {
        if (Instant.now().isAfter(giveUp) || !method.equals("GET")) {
          throw new ApiException(0, method + " " + path + ": " + e);
        }
        pause();
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(0, method + " " + path + ": interrupted");
      }
      if (response.statusCode() >= 400) {
        throw new ApiException(
            response.statusCode(),
            method + " " + path + ": " + response.statusCode() + " " + message(response.body()));
      }
      String text = response.body();
      if (text == null || text.isBlank()) {
        return JSON.createObjectNode();
      }
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new ApiException(response.statusCode(), method + " " + path + ": not JSON: " + text);
      }
    }
  }

  private static String message(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n.hasNonNull("message")) {
        return n.path("message").asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: the body as it is
    }
    return body;
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
