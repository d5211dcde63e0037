package dev.flotilla.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what went wrong with a call into one line an operator can act on: the API's {@code {error,
 * field, rule, message}} bodies, 401 and 403 with how to give the right token, a missing endpoint,
 * and a controller that cannot be reached. Pure.
 */
public final class ApiErrorText {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String TOKEN_PLACES =
      "pass --token, set FLOTILLA_TOKEN or token: in ~/.config/flotilla/config.yaml";

  private ApiErrorText() {}

  /**
   * The exception for an HTTP answer that is not a success.
   *
   * @param method the HTTP method, for a missing endpoint
   * @param path the path called, for a missing endpoint
   * @param tokenGiven whether the call carried a token
   */
  public static ApiException answer(
      int status, @Nullable String body, String method, String path, boolean tokenGiven) {
    JsonNode error = parse(body);
    String code = error == null ? "" : error.path("error").asText("");
    String field = error == null ? "" : error.path("field").asText("");
    String message = error == null ? "" : error.path("message").asText("");
    String line =
        switch (status) {
          case 401 ->
              tokenGiven
                  ? "the controller refused the API token ("
                      + orElse(message, "unknown or expired")
                      + "); "
                      + TOKEN_PLACES
                  : "the controller needs an API token: "
                      + TOKEN_PLACES
                      + " (the first admin token is in the controller's"
                      + " flotilla-data/admin-token)";
          case 403 ->
              "this needs an admin token; the token given may only read (an admin creates one"
                  + " with 'flotilla token create --role admin')";
          case 404 ->
              code.isEmpty()
                  ? "the controller has no endpoint "
                      + method
                      + " "
                      + path
                      + "; it may be older than this client"
                  : orElse(message, "not found: " + path);
          default -> {
            if (!message.isEmpty()) {
              yield status >= 500 ? "the controller failed: " + message : message;
            }
            yield "the controller answered HTTP "
                + status
                + " to "
                + method
                + " "
                + path
                + excerpt(body);
          }
        };
    return new ApiException(status, code, field, line);
  }

  /** The exception for a call that got no answer. */
  public static ApiException unreachable(URI controller, Throwable failure) {
    String why = reason(failure);
    if (failure instanceof HttpTimeoutException
        && !(failure instanceof HttpConnectTimeoutException)) {
      return new ApiException(
          0, "", "", "the controller at " + controller + " did not answer in time (" + why + ")");
    }
    return new ApiException(
        0,
        "",
        "",
        "cannot reach the controller at "
            + controller
            + " ("
            + why
            + "); "
            + ConnectionResolver.WHERE);
  }

  /** Why a connection failed, in a few words. */
  static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof ConnectException) {
        String m = t.getMessage();
        return m == null || m.isBlank() || m.equalsIgnoreCase("connection refused")
            ? "connection refused"
            : m.toLowerCase(java.util.Locale.ROOT);
      }
      if (t instanceof HttpTimeoutException) {
        return "request timed out";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String m = failure.getMessage();
    return m == null || m.isBlank() ? failure.getClass().getSimpleName() : m;
  }

  private static @Nullable JsonNode parse(@Nullable String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() && n.has("error") && n.has("message") ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String orElse(String s, String other) {
    return s.isEmpty() ? other : s;
  }

  private static String excerpt(@Nullable String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String one = body.strip().replaceAll("\\s+", " ");
    return ": " + (one.length() > 200 ? one.substring(0, 200) + "..." : one);
  }
}
