package dev.flotilla.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A small client of the controller's public HTTP API ({@code /api/v1}, docs/controller.md) over
 * {@link HttpClient}: sends the bearer token, parses JSON answers, and turns every failure into an
 * {@link ApiException} with one line for the operator. Not thread-safe for no reason but that the
 * commands use it from one thread.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Connection connection;
  private final HttpClient http;

  public ApiClient(Connection connection) {
    this.connection = connection;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public Connection connection() {
    return connection;
  }

  /** An answer: its status, body and content type. */
  public record Answer(int status, String body, String contentType) {}

  /** GET a JSON document. */
  public JsonNode get(String path) {
    JsonNode n = json(send("GET", path, null, null, "application/json"));
    if (n == null) {
      throw new ApiException(0, "", "", "the controller answered GET " + path + " with nothing");
    }
    return n;
  }

  /** POST a JSON body (null for none) and parse the JSON answer (null when it has none). */
  public @Nullable JsonNode post(String path, @Nullable JsonNode body) {
    return post(path, body, REQUEST_TIMEOUT);
  }

  /**
   * {@link #post(String, JsonNode)}, waiting up to {@code timeout} for the answer instead of the
   * usual minute: for a call that itself waits on a node for longer.
   */
  public @Nullable JsonNode post(String path, @Nullable JsonNode body, Duration timeout) {
    String contentType = body == null ? null : "application/json";
    return json(send("POST", path, contentType, text(body), null, timeout));
  }

  /** PATCH a JSON body and parse the JSON answer. */
  public @Nullable JsonNode patch(String path, JsonNode body) {
    return json(send("PATCH", path, "application/json", text(body), null));
  }

  /** DELETE; any 2xx is success. */
  public void delete(String path) {
    send("DELETE", path, null, null, null);
  }

  /**
   * Sends a request and answers a 2xx; anything else throws.
   *
   * @throws ApiException for an error answer or no answer
   */
  public Answer send(
      String method,
      String path,
      @Nullable String contentType,
      @Nullable String body,
      @Nullable String accept) {
    return send(method, path, contentType, body, accept, REQUEST_TIMEOUT);
  }

  private Answer send(
      String method,
      String path,
      @Nullable String contentType,
      @Nullable String body,
      @Nullable String accept,
      Duration timeout) {
    HttpRequest request = request(method, path, contentType, body, accept, timeout);
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApiErrorText.unreachable(connection.controller(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "", "", "interrupted");
    }
    if (r.statusCode() / 100 != 2) {
      throw ApiErrorText.answer(r.statusCode(), r.body(), method, path, connection.token() != null);
    }
    return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  /**
   * GETs a text answer and copies it to {@code out} as it arrives, flushing after every read, until
   * the controller ends it: for a streamed log.
   *
   * @param timeout how long the whole answer may take; null for no limit
   */
  public void stream(String path, Writer out, @Nullable Duration timeout) {
    HttpRequest request = request("GET", path, null, null, "text/plain", timeout);
    HttpResponse<InputStream> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw ApiErrorText.unreachable(connection.controller(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "", "", "interrupted");
    }
    try (InputStream in = r.body();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      if (r.statusCode() / 100 != 2) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        throw ApiErrorText.answer(r.statusCode(), body, "GET", path, connection.token() != null);
      }
      char[] buffer = new char[8192];
      for (int n; (n = reader.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      throw new ApiException(
          0,
          "",
          "",
          "the stream from " + connection.controller() + " broke off: " + e.getMessage());
    }
  }

  private HttpRequest request(
      String method,
      String path,
      @Nullable String contentType,
      @Nullable String body,
      @Nullable String accept,
      @Nullable Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(connection.controller() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (connection.token() != null) {
      b.header("Authorization", "Bearer " + connection.token());
    }
    return b.build();
  }

  private static @Nullable JsonNode json(Answer a) {
    if (a.body().isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(a.body());
    } catch (JsonProcessingException e) {
      throw new ApiException(
          a.status(), "", "", "the controller's answer is not JSON: " + e.getOriginalMessage());
    }
  }

  private static @Nullable String text(@Nullable JsonNode body) {
    if (body == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a JSON answer's body. */
  public static JsonNode readJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          0, "", "", "the controller's answer is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A new empty JSON object for a request body. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** A path segment or query value, URL-encoded. */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
