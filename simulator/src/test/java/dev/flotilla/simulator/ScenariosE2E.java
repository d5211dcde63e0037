package dev.flotilla.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.control.ControllerProcess;
import dev.flotilla.simulator.report.ReportFiles;
import dev.flotilla.simulator.report.RunReport;
import dev.flotilla.simulator.report.TerminalSummary;
import dev.flotilla.simulator.run.Progress;
import dev.flotilla.simulator.run.ScenarioRunner;
import dev.flotilla.simulator.scenario.Expectations;
import dev.flotilla.simulator.scenario.Scenario;
import dev.flotilla.simulator.scenario.ScenarioReader;
import dev.flotilla.simulator.scenario.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every shipped scenario, end to end at 200 nodes: the real controller with its embedded broker in
 * a process of its own, 200 virtual nodes of the real agent core with their own MQTT sessions, the
 * scenario's steps and faults. Each run must meet the scenario's expectations, which always include
 * convergence at the end, zero lost events and zero workload restarts caused by reconnects; idle
 * windows are cut to 20 s here (the benchmark runs them in full). The scenarios run three at a time
 * in the background from the start of the class; each test judges one.
 *
 * <p>Speed is the benchmark's to judge ({@code ./flotilla bench-fleet}, docs/benchmarks.md), not
 * this test's: three scenarios with their controllers, brokers and fleets share the CI machine's
 * cores, so a scenario's time limits (convergence p99, reconnect p99) are judged here at {@value
 * #TIME_SLACK} times what the scenario says. That still fails a fleet that does not come back
 * (nodes stuck in a long back-off, say), without failing on a busy machine's few seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenariosE2E {
  private static final int NODES = 200;
  private static final Duration IDLE_CAP = Duration.ofSeconds(20);
  private static final int TIME_SLACK = 3;

  // Longest first, so that three at a time finish together.
  private static final List<String> SCENARIOS =
      List.of(
          "broker-restart-storm",
          "reboot-while-offline",
          "district-partition",
          "demo",
          "rolling-update-10k",
          "canary-bad-revision");

  private final ExecutorService runner = Executors.newFixedThreadPool(3);
  private final Map<String, Future<Run>> runs = new HashMap<>();

  private record Run(RunReport report, ReportFiles.Paths paths, String summary) {}

  /**
   * Starts every scenario, three at a time: each has its own controller process and fleet, and they
   * wait on faults and timers far more than they compute. The tests then judge them one by one, and
   * no other test class runs meanwhile.
   */
  @BeforeAll
  void startEveryScenario() {
    for (String name : SCENARIOS) {
      runs.put(name, runner.submit(() -> run(name)));
    }
  }

  @AfterAll
  void stopWhatIsLeft() {
    runner.shutdownNow();
  }

  private static Run run(String name) throws Exception {
    Path dir = Files.createTempDirectory("flotilla-e2e-" + name);
    Scenario scenario = small(ScenarioReader.shipped(name).withNodes(NODES));
    RunReport report;
    try (ControllerProcess controller =
        ControllerProcess.start(
            new ControllerProcess.Options(
                dir.resolve("controller"),
                dir.resolve("controller.log"),
                List.of("-Xmx512m"),
                Map.of()))) {
      report = new ScenarioRunner(scenario, controller, dir, Progress.Listener.NONE).run();
    }
    ReportFiles.Paths paths = ReportFiles.write(report, dir);
    return new Run(report, paths, TerminalSummary.format(report, paths.html(), paths.json()));
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void theShippedScenarioMeetsItsExpectationsAt200Nodes(String name) throws Exception {
    Run run = runs.get(name).get(15, TimeUnit.MINUTES);
    RunReport report = run.report();
    String summary = run.summary();
    System.out.println(summary);

    assertTrue(report.passed(), summary);
    assertEquals(NODES, report.nodes());
    assertEquals(0, report.events().lost(), summary);
    assertTrue(report.events().emitted() > 0, "the nodes reported events: " + summary);
    assertEquals(0, report.reconnectRestarts(), summary);
    assertTrue(
        report.expectations().stream()
            .anyMatch(e -> e.name().equals("converged at the end") && e.passed()),
        summary);
    assertTrue(Files.readString(run.paths().html()).contains("<svg"), "the report has its plots");
    assertTrue(Files.size(run.paths().json()) > 0);
  }

  /**
   * The scenario with its idle windows cut to {@link #IDLE_CAP} and its time limits widened by
   * {@link #TIME_SLACK}.
   */
  private static Scenario small(Scenario s) {
    List<Step> steps = new ArrayList<>();
    for (Step step : s.steps()) {
      if (step instanceof Step.Idle idle && idle.duration().compareTo(IDLE_CAP) > 0) {
        steps.add(new Step.Idle(IDLE_CAP));
      } else {
        steps.add(step);
      }
    }
    Expectations x = s.expect();
    Expectations judged =
        new Expectations(
            x.converged(),
            x.rollouts(),
            x.maxLostEvents(),
            x.maxReconnectRestarts(),
            widened(x.convergenceP99()),
            widened(x.reconnectP99()),
            x.maxIdleBytesPerNodePerMinute());
    return new Scenario(s.name(), s.description(), s.fleet(), steps, judged);
  }

  private static @Nullable Duration widened(@Nullable Duration limit) {
    return limit == null ? null : limit.multipliedBy(TIME_SLACK);
  }
}
