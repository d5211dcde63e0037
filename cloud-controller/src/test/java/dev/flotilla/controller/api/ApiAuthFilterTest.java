package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.HttpMethod;
import org.junit.jupiter.api.Test;

class ApiAuthFilterTest {
  @Test
  void theDashboardsFilesAndRedirectsPassWithoutAToken() {
    for (String path : new String[] {"/", "/ui", "/ui/", "/ui/js/app.js", "/ui/dashboard.css"}) {
      assertTrue(ApiAuthFilter.isDashboardAsset(HttpMethod.GET, path), path);
    }
    assertTrue(ApiAuthFilter.isDashboardAsset(HttpMethod.HEAD, "/ui/"));
  }

  @Test
  void dataPathsWritesAndEscapesFromTheDashboardFolderDoNot() {
    for (String path :
        new String[] {
          "/api/v1/nodes", "/ui/../api/v1/nodes", "/ui/%2e%2e/api/v1/nodes", "/uix", "/prometheus"
        }) {
      assertFalse(ApiAuthFilter.isDashboardAsset(HttpMethod.GET, path), path);
    }
    assertFalse(ApiAuthFilter.isDashboardAsset(HttpMethod.POST, "/ui/"));
  }
}
