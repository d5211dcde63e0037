package dev.flotilla.simulator.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import dev.flotilla.simulator.node.VirtualNode;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web dashboard in a real headless Chromium against a whole controller (HTTP API, embedded
 * broker, SQLite) and twelve virtual nodes of the real agent core in two districts: on two a
 * workload fails (its probe on one, its image pull on the other: NOT_READY, steadily, where a crash
 * loop would flap READY at each restart), one never starts (PENDING), one shuts down (UNREACHABLE).
 * A canary rollout soaks long enough to be paused and resumed from its page.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} at {@code /usr/bin} (CI installs
 * them); Selenium is given both paths so it never looks for a browser or driver to download.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration UI = Duration.ofSeconds(10);
  private static final String WEB_IMAGE = "registry.example/web:1";

  /** node id to (district, site); ids sort by district and site. */
  private static final Map<String, List<String>> NODES = new LinkedHashMap<>();

  static {
    for (String district : List.of("north", "south")) {
      for (int site = 1; site <= 2; site++) {
        for (int i = 1; i <= 3; i++) {
          String siteName = district.charAt(0) + "" + site;
          NODES.put("gw-" + siteName + "-" + i, List.of(district, siteName));
        }
      }
    }
  }

  /** Enrolled and never started. */
  private static final String NEVER_STARTED = "gw-s2-3";

  /** Started, then shut down before the tests. */
  private static final String SHUT_DOWN = "gw-s2-2";

  /** The web workload runs and fails its health check here. */
  private static final String UNHEALTHY = "gw-n2-3";

  /** The web workload's image cannot be pulled here. */
  private static final String UNPULLABLE = "gw-s1-3";

  private static final Set<String> FAILING = Set.of(UNHEALTHY, UNPULLABLE);

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ExecutorService pulls = Executors.newFixedThreadPool(2);
  private final ExecutorService probes = Executors.newFixedThreadPool(2);
  private final VirtualNode.Threads threads =
      new VirtualNode.Threads(scheduler, pool, pulls, probes);
  private final Map<String, VirtualNode> running = new LinkedHashMap<>();
  private final List<SimulatedContainerRuntime> runtimes = new ArrayList<>();

  private ControllerHarness c;
  private WebDriver browser;
  private String viewerToken;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "the dashboard's browser tests need "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + "; install them with 'apt-get install --no-install-recommends chromium"
              + " chromium-driver' (.ci/run does)");
    }
    c = ControllerHarness.start(dir.resolve("controller"));
    for (Map.Entry<String, List<String>> e : NODES.entrySet()) {
      String id = e.getKey();
      JsonNode enrolled =
          c.enroll(
              id,
              "{\"district\":\"%s\",\"site\":\"%s\"}"
                  .formatted(e.getValue().get(0), e.getValue().get(1)));
      if (!id.equals(NEVER_STARTED)) {
        startNode(id, enrolled, dir.resolve("nodes").resolve(id));
      }
    }
    apply(manifest("web", WEB_IMAGE, "") + WEB_HEALTH_CHECK);
    apply(manifest("canary", "registry.example/canary:1", ""));
    await("every started node ready or failing")
        .atMost(CONVERGE)
        .until(() -> byState().equals(states(9, 2, 1, 0)));
    running.remove(SHUT_DOWN).close();
    await("the shut-down node unreachable")
        .atMost(CONVERGE)
        .until(() -> byState().equals(states(8, 2, 1, 1)));
    // Revision 2 of the canary soaks for ten minutes on its first step: it stays in progress.
    apply(manifest("canary", "registry.example/canary:2", CANARY_STRATEGY));
    await("the canary rollout in progress")
        .atMost(CONVERGE)
        .until(() -> rolloutState("canary").equals("PROGRESSING"));
    viewerToken =
        c.post(
                "/api/v1/tokens",
                "application/json",
                "{\"role\":\"VIEWER\",\"description\":\"wall\"}")
            .json()
            .get("token")
            .asText();
    browser = chromium(dir.resolve("chromium-profile"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    running.values().forEach(VirtualNode::close);
    runtimes.forEach(SimulatedContainerRuntime::close);
    if (c != null) {
      c.close();
    }
    for (ExecutorService e : List.of(scheduler, pool, pulls, probes)) {
      e.shutdownNow();
    }
  }

  // ---- the tests, in order: each one's fleet is what the one before left ------------------------

  @Test
  @Order(1)
  void theOverviewCountsNodesByStateAsTheApiDoesAndGroupsEveryNodeByDistrict() {
    signIn(c.adminToken());
    Map<String, Long> expected = states(8, 2, 1, 1);
    awaitCounts(expected);
    assertEquals(expected, byState(), "the API counts what the page shows");
    assertEquals("12", text(By.cssSelector("[data-testid=count-total] .count-n")));

    List<WebElement> tiles = browser.findElements(testid("node-tile"));
    assertEquals(NODES.size(), tiles.size(), "one tile per node");
    for (String district : List.of("north", "south")) {
      List<String> inDistrict = new ArrayList<>();
      for (WebElement t :
          browser.findElements(
              By.cssSelector(
                  "[data-testid=district][data-district="
                      + district
                      + "] [data-testid=node-tile]"))) {
        inDistrict.add(t.getDomAttribute("data-node"));
      }
      List<String> wanted =
          NODES.entrySet().stream()
              .filter(e -> e.getValue().get(0).equals(district))
              .map(Map.Entry::getKey)
              .toList();
      assertEquals(wanted, inDistrict, "district " + district + ", by site then id");
    }
    assertEquals("UNREACHABLE", tile(SHUT_DOWN).getDomAttribute("data-state"));
    assertEquals("PENDING", tile(NEVER_STARTED).getDomAttribute("data-state"));
    for (String id : FAILING) {
      assertEquals("NOT_READY", tile(id).getDomAttribute("data-state"), id);
    }

    await("the canary among the rollouts in progress")
        .atMost(UI)
        .ignoreExceptions()
        .until(
            () ->
                text(By.cssSelector("[data-testid=overview-rollout][data-deployment=canary]"))
                    .contains("PROGRESSING"));
    assertFalse(text(testid("view")).contains("null"), "no missing value shows as 'null'");

    screenshot("dashboard-overview.png");
  }

  @Test
  @Order(2)
  void aNodeThatShutsDownTurnsUnreachableOnTheOverviewWithoutAReload() {
    signIn(c.adminToken());
    awaitCounts(states(8, 2, 1, 1));
    js("window.flotillaNoReload = 'still here';");
    running.remove("gw-n1-1").close();
    awaitCounts(states(7, 2, 1, 2));
    await("the tile turns unreachable")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> tile("gw-n1-1").getDomAttribute("data-state").equals("UNREACHABLE"));
    assertEquals(
        "still here",
        js("return window.flotillaNoReload;"),
        "the page updated in place, from the stream, without loading again");
  }

  @Test
  @Order(3)
  void aNodeOpensFromTheGridWithItsWorkloadsAndEvents() {
    signIn(c.adminToken());
    await().atMost(UI).ignoreExceptions().until(() -> tile("gw-n2-3").isDisplayed());
    click(By.cssSelector("[data-testid=node-tile][data-node=gw-n2-3]"));
    await("the node page")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> !browser.findElements(testid("workload-row")).isEmpty());
    assertEquals(
        "gw-n2-3", browser.findElement(testid("node-detail")).getDomAttribute("data-node"));
    Map<String, String> images = new TreeMap<>();
    await("both workloads with their images")
        .atMost(UI)
        .ignoreExceptions()
        .until(
            () -> {
              images.clear();
              for (WebElement row : browser.findElements(testid("workload-row"))) {
                images.put(
                    row.getDomAttribute("data-workload"),
                    row.findElement(testid("workload-image")).getText());
              }
              return images.size() == 2 && !images.containsValue("—");
            });
    assertEquals(
        Map.of("canary", images.get("canary"), "web", WEB_IMAGE), images, images.toString());
    assertTrue(images.get("canary").startsWith("registry.example/canary:"), images.toString());
    assertTrue(
        text(By.cssSelector("[data-testid=workload-row][data-workload=web]")).contains("UNHEALTHY"),
        "the failing workload shows its health");
    await("its events")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> !browser.findElements(testid("event-row")).isEmpty());
    Set<String> shownTypes = new TreeSet<>();
    for (WebElement row : browser.findElements(testid("event-row"))) {
      shownTypes.add(row.getDomAttribute("data-type"));
    }
    Set<String> apiTypes = new TreeSet<>();
    for (JsonNode e : c.get("/api/v1/events?node=gw-n2-3&limit=1000").json().get("items")) {
      apiTypes.add(e.get("type").asText());
    }
    assertTrue(
        apiTypes.containsAll(shownTypes), "shown " + shownTypes + ", the API has " + apiTypes);

    screenshot("dashboard-node.png");

    // The same page from the nodes table, filtered by state on the server.
    navigate("#/nodes?state=NOT_READY");
    await("the filtered table")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> rowNodes().equals(List.of("gw-n2-3", "gw-s1-3")));
    screenshot("dashboard-nodes.png");
    click(By.cssSelector("[data-testid=node-row][data-node=gw-s1-3] td"));
    await("the node page from a row")
        .atMost(UI)
        .ignoreExceptions()
        .until(
            () ->
                browser
                    .findElement(testid("node-detail"))
                    .getDomAttribute("data-node")
                    .equals("gw-s1-3"));
  }

  @Test
  @Order(4)
  void pausingTheRolloutFromItsPagePausesItResumingGoesOnAndARefusalShowsWhy() {
    signIn(c.adminToken());
    browser.findElement(testid("nav-deployments")).click();
    await()
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> browser.findElement(By.linkText("canary")).isDisplayed());
    click(By.linkText("canary"));
    await("the rollout in progress")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> text(testid("rollout-state")).equals("PROGRESSING"));
    assertEquals(2, browser.findElements(testid("rollout-step")).size(), "two canary steps");

    click(testid("rollout-pause"));
    await("paused, through the API")
        .atMost(UI)
        .until(() -> rolloutState("canary").equals("PAUSED"));
    await("paused, on the page")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> text(testid("rollout-state")).equals("PAUSED"));

    click(testid("rollout-resume"));
    await("resumed, through the API")
        .atMost(UI)
        .until(() -> rolloutState("canary").equals("PROGRESSING"));
    await("resumed, on the page")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> text(testid("rollout-state")).equals("PROGRESSING"));
    screenshot("dashboard-deployment.png");

    // Someone else pauses it first: the page's Pause, clicked after, shows the API's refusal.
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                """
                const done = arguments[arguments.length - 1];
                const pause = document.querySelector('[data-testid=rollout-pause]');
                fetch('/api/v1/deployments/canary/rollout/pause', {
                  method: 'POST',
                  headers: {Authorization: 'Bearer ' + sessionStorage.getItem('flotilla.token')},
                }).then((r) => { pause.click(); done(r.status); });
                """);
    assertEquals(200L, status, "the other operator's pause");
    await("the refusal on the page")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> text(testid("command-error")).contains("already paused"));
    assertTrue(text(testid("command-error")).startsWith("Refused: rollout "));
    assertEquals(200, c.post("/api/v1/deployments/canary/rollout/resume", null, null).status());
  }

  @Test
  @Order(5)
  void aViewerSeesTheRolloutButNoCommands() {
    signIn(viewerToken);
    assertEquals("viewer · wall", text(testid("whoami")));
    navigate("#/deployments/canary");
    await("the rollout")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> text(testid("rollout-state")).equals("PROGRESSING"));
    assertEquals(
        List.of(),
        browser.findElements(
            By.cssSelector(
                "[data-testid=rollout-pause],[data-testid=rollout-resume],"
                    + "[data-testid=rollout-abort]")),
        "no command buttons for a viewer");
  }

  // ---- the fleet
  // ---------------------------------------------------------------------------------

  private static final String CANARY_STRATEGY =
      """
        strategy:
          type: Canary
          steps:
            - {percent: 25, pause: untilResumed}
            - {percent: 100}
          soak: 10m
          progressDeadline: 30m
      """;

  /** Appended to the web manifest's template: an exec check each second. */
  private static final String WEB_HEALTH_CHECK =
      """
          healthCheck: {exec: {command: [/bin/true]}, periodSeconds: 1, failureThreshold: 1}
      """;

  private static String manifest(String name, String image, String strategy) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata: {name: %s}
    spec:
    %s  template:
        image: %s
    """
        .formatted(name, strategy, image);
  }

  private void apply(String manifest) {
    Answer a = c.post("/api/v1/deployments", "application/yaml", manifest);
    if (a.status() != 200 && a.status() != 201) {
      throw new AssertionError("apply failed: " + a);
    }
  }

  private void startNode(String id, JsonNode enrolled, Path dataDir) {
    SimulatedContainerRuntime runtime =
        new SimulatedContainerRuntime(
            Clock.systemUTC(),
            scheduler,
            new Random(id.hashCode()),
            ImageBehaviour.HEALTHY,
            switch (id) {
              case UNHEALTHY -> Map.of(WEB_IMAGE, ImageBehaviour.HEALTHY.withProbeHealthy(false));
              case UNPULLABLE -> Map.of(WEB_IMAGE, ImageBehaviour.HEALTHY.withPullFails(true));
              default -> Map.of();
            },
            Set.of());
    VirtualNode node =
        new VirtualNode(
            VirtualNode.Settings.defaults(
                id,
                enrolled.get("brokerUrl").asText(),
                enrolled.get("password").asText(),
                enrolled.get("controllerPublicKey").asText(),
                dataDir),
            runtime,
            Clock.systemUTC(),
            threads);
    runtimes.add(runtime);
    running.put(id, node);
    node.start();
  }

  private static Map<String, Long> states(long ready, long notReady, long pending, long away) {
    Map<String, Long> m = new TreeMap<>();
    m.put("READY", ready);
    m.put("NOT_READY", notReady);
    m.put("PENDING", pending);
    m.put("UNREACHABLE", away);
    return m;
  }

  /** The API's node counts by state, every state present. */
  private Map<String, Long> byState() {
    JsonNode by = c.get("/api/v1/fleet/summary").json().get("byState");
    Map<String, Long> m = states(0, 0, 0, 0);
    by.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  private String rolloutState(String deployment) {
    Answer a = c.get("/api/v1/deployments/" + deployment + "/rollout");
    return a.status() == 200 ? a.json().get("rollout").get("state").asText() : "none";
  }

  // ---- the browser
  // -------------------------------------------------------------------------------

  private static WebDriver chromium(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** Opens the sign-in page in a fresh load and signs in with the token. */
  private void signIn(String token) {
    browser.get(c.uri("/ui/#/signin").toString());
    js("sessionStorage.clear();");
    browser.navigate().refresh();
    WebElement input =
        await()
            .atMost(UI)
            .ignoreExceptions()
            .until(() -> browser.findElement(testid("token-input")), WebElement::isDisplayed);
    input.sendKeys(token);
    browser.findElement(testid("sign-in")).click();
    await("signed in")
        .atMost(UI)
        .ignoreExceptions()
        .until(() -> !text(testid("whoami")).isEmpty() && isOverviewOrElsewhere());
  }

  private boolean isOverviewOrElsewhere() {
    return !String.valueOf(js("return location.hash;")).equals("#/signin");
  }

  /** A hash route, as a link in the page would (no load). */
  private void navigate(String hash) {
    js("location.hash = arguments[0];", hash);
  }

  private void awaitCounts(Map<String, Long> expected) {
    await("the overview's counts " + expected)
        .atMost(UI)
        .ignoreExceptions()
        .until(
            () -> {
              for (Map.Entry<String, Long> e : expected.entrySet()) {
                String shown =
                    text(By.cssSelector("[data-testid=count-" + e.getKey() + "] .count-n"));
                if (!shown.equals(Long.toString(e.getValue()))) {
                  return false;
                }
              }
              return true;
            });
  }

  private List<String> rowNodes() {
    return browser.findElements(testid("node-row")).stream()
        .map(r -> r.getDomAttribute("data-node"))
        .toList();
  }

  private WebElement tile(String node) {
    return browser.findElement(
        By.cssSelector("[data-testid=node-tile][data-node=\"" + node + "\"]"));
  }

  /** Saves what the browser shows to target/screenshots (the README's picture comes from here). */
  private void screenshot(String name) {
    Path shot = Path.of("target", "screenshots", name);
    try {
      Files.createDirectories(shot.getParent());
      Files.write(shot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + shot, e);
    }
  }

  /**
   * Clicks what {@code by} finds, finding it again when a live refresh replaced it between finding
   * and clicking (the click then never reached it, so it is not given twice).
   */
  private void click(By by) {
    await("click " + by)
        .atMost(UI)
        .ignoreException(StaleElementReferenceException.class)
        .until(
            () -> {
              browser.findElement(by).click();
              return true;
            });
  }

  private String text(By by) {
    return browser.findElement(by).getText().trim();
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static By testid(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }
}
