package dev.flotilla.controller.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.server.types.files.StreamedFile;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.net.URL;

/**
 * Sends a browser from {@code /} and {@code /ui} to the dashboard at {@code /ui/}, whose files are
 * static resources ({@code micronaut.router.static-resources.dashboard} in application.yml).
 */
@io.micronaut.http.annotation.Controller
@Hidden
final class DashboardRoutes {
  private static final URI DASHBOARD = URI.create("/ui/");
  private static final String INDEX = "dashboard/index.html";

  @Get("/")
  HttpResponse<Void> root() {
    return HttpResponse.seeOther(DASHBOARD);
  }

  /**
   * Micronaut routes {@code /ui/} here too (it ignores a trailing slash), so this answers the page
   * itself for {@code /ui/} and redirects only {@code /ui}, whose relative links would miss.
   */
  @Get("/ui")
  HttpResponse<?> ui(HttpRequest<?> request) {
    if (!request.getPath().endsWith("/")) {
      return HttpResponse.seeOther(DASHBOARD);
    }
    URL index = DashboardRoutes.class.getClassLoader().getResource(INDEX);
    if (index == null) {
      return HttpResponse.notFound();
    }
    return HttpResponse.ok(new StreamedFile(index)).contentType(MediaType.TEXT_HTML_TYPE);
  }
}
