package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.Role;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every call but health, enrollment and the dashboard's static files needs an API token ({@code
 * Authorization: Bearer flt_...}); a viewer token may only read. Enrollment carries its bootstrap
 * token in its body.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class ApiAuthFilter {
  private final Controller controller;

  ApiAuthFilter(Controller controller) {
    this.controller = controller;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable HttpResponse<ApiError> filter(HttpRequest<?> request) {
    String path = request.getPath();
    if (path.equals("/health") || path.startsWith("/health/") || path.equals("/api/v1/enroll")) {
      return null;
    }
    if (isDashboardAsset(request.getMethod(), path)) {
      return null;
    }
    String header = request.getHeaders().getAuthorization().orElse("");
    if (!header.startsWith("Bearer ")) {
      return unauthorized("send an API token as 'Authorization: Bearer <token>'");
    }
    Optional<Role> role = controller.fleet().authenticate(header.substring(7).trim());
    if (role.isEmpty()) {
      return unauthorized("the API token is unknown or expired");
    }
    HttpMethod method = request.getMethod();
    boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (!reads && role.get() != Role.ADMIN) {
      return ApiErrors.status(
          HttpStatus.FORBIDDEN,
          ApiError.of("forbidden", "a viewer token may only read; this needs an admin token"));
    }
    return null;
  }

  /**
   * The dashboard's static files and the redirects to them hold no data, so a browser loads them
   * without a token; the page then sends the token with every data call.
   */
  static boolean isDashboardAsset(HttpMethod method, String path) {
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      return false;
    }
    return path.equals("/")
        || path.equals("/ui")
        || (path.startsWith("/ui/") && !path.contains("..") && !path.contains("%"));
  }

  private static HttpResponse<ApiError> unauthorized(String message) {
    return ApiErrors.status(HttpStatus.UNAUTHORIZED, ApiError.of("unauthorized", message))
        .header("WWW-Authenticate", "Bearer");
  }
}
