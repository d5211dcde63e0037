package dev.flotilla.simulator.cli;

import dev.flotilla.simulator.control.ControlTarget;
import dev.flotilla.simulator.control.ControllerProcess;
import dev.flotilla.simulator.control.RemoteController;
import dev.flotilla.simulator.report.ReportFiles;
import dev.flotilla.simulator.report.RunReport;
import dev.flotilla.simulator.report.TerminalSummary;
import dev.flotilla.simulator.run.Progress;
import dev.flotilla.simulator.run.ScenarioRunner;
import dev.flotilla.simulator.scenario.Scenario;
import dev.flotilla.simulator.scenario.ScenarioException;
import dev.flotilla.simulator.scenario.ScenarioReader;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Delivery;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Entry point of {@code flotilla demo}, {@code flotilla simulate} and {@code flotilla walkthrough}.
 *
 * <p>{@code demo} runs the shipped {@code demo} scenario: a controller with its embedded broker in
 * a process of its own, a simulated fleet of 1,000 nodes, a canary rollout and a district
 * partitioned and healed, with a progress line while it runs, a summary at the end and the report
 * paths. {@code simulate} runs any scenario, shipped or a file. Exit status 0 when the scenario's
 * expectations hold, 1 when one fails, 2 for a usage error or a scenario that is refused.
 */
public final class SimulatorMain {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  private static final int WALKTHROUGH_NODES = 5;

  private SimulatorMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    String command = args.length == 0 ? "demo" : args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    return switch (command) {
      case "demo" -> simulate(prepend("--scenario", "demo", rest), "demo", out, err, env);
      case "simulate" -> simulate(rest, "simulate", out, err, env);
      case "walkthrough" -> walkthrough(out);
      default -> {
        err.println("flotilla: unknown simulator command '" + command + "' (try demo or simulate)");
        yield USAGE;
      }
    };
  }

  private static String[] prepend(String a, String b, String[] rest) {
    String[] out = new String[rest.length + 2];
    out[0] = a;
    out[1] = b;
    System.arraycopy(rest, 0, out, 2, rest.length);
    return out;
  }

  /** Parsed arguments of {@code simulate}. */
  record Arguments(
      String scenario, Integer nodes, Path out, URI controller, String token, boolean help) {}

  static final String USAGE_TEXT =
      """
      usage: flotilla simulate --scenario NAME|FILE [--nodes N] [--out DIR]
                               [--controller URL [--token TOKEN]]
             flotilla demo [--nodes N] [--out DIR]

        --scenario NAME|FILE  a shipped scenario (%s) or a scenario YAML file
        --nodes N             the fleet size instead of the scenario's (same mix)
        --out DIR             where report.html, report.json and the logs go
                              (default ./flotilla-sim/SCENARIO-TIMESTAMP)
        --controller URL      run against a controller that already runs, e.g.
                              http://controller:8080 (its admin token from --token or
                              FLOTILLA_TOKEN); default: start one with the embedded broker
        --help                this text

      Exit status: 0 when the scenario's expectations hold, 1 when one fails, 2 for a usage
      error.
      """;

  static Arguments parse(String[] args, Map<String, String> env) {
    String scenario = null;
    Integer nodes = null;
    Path out = null;
    URI controller = null;
    String token = env.get("FLOTILLA_TOKEN");
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String key = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        key = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (key) {
        case "--help", "-h" -> help = true;
        case "--scenario", "--nodes", "--out", "--controller", "--token" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(key + " needs a value");
            }
            value = args[++i];
          }
          switch (key) {
            case "--scenario" -> scenario = value;
            case "--nodes" -> {
              try {
                nodes = Integer.parseInt(value);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nodes must be a number, was " + value);
              }
              if (nodes < 1 || nodes > 100_000) {
                throw new IllegalArgumentException("--nodes must be 1 to 100000, was " + value);
              }
            }
            case "--out" -> out = Path.of(value);
            case "--controller" -> {
              try {
                controller = URI.create(value.endsWith("/") ? value : value + "/");
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--controller is not a URL: " + value);
              }
              if (controller.getScheme() == null || controller.getHost() == null) {
                throw new IllegalArgumentException(
                    "--controller must be a URL such as http://controller:8080, was " + value);
              }
            }
            default -> token = value;
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (!help && scenario == null) {
      throw new IllegalArgumentException("--scenario is required");
    }
    if (controller != null && (token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "--controller needs an admin token: --token TOKEN or FLOTILLA_TOKEN");
    }
    return new Arguments(scenario, nodes, out, controller, token, help);
  }

  static int simulate(
      String[] args, String command, PrintStream out, PrintStream err, Map<String, String> env) {
    Arguments a;
    try {
      a = parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("flotilla " + command + ": " + e.getMessage());
      err.println("try: flotilla " + command + " --help");
      return USAGE;
    }
    if (a.help()) {
      out.print(USAGE_TEXT.formatted(String.join(", ", ScenarioReader.shippedNames())));
      return OK;
    }
    Scenario scenario;
    try {
      scenario = ScenarioReader.load(a.scenario());
      if (a.nodes() != null) {
        scenario = scenario.withNodes(a.nodes());
      }
    } catch (ScenarioException e) {
      err.println("flotilla " + command + ": " + e.getMessage());
      return USAGE;
    }
    RemoteController remote = null;
    if (a.controller() != null) {
      remote = new RemoteController(a.controller(), a.token());
      List<String> refused = ScenarioRunner.unsupported(scenario, remote);
      if (!refused.isEmpty()) {
        err.println(
            "flotilla "
                + command
                + ": these steps need the simulator's own controller, not "
                + a.controller()
                + ": "
                + String.join("; ", refused));
        return USAGE;
      }
    }
    Path dir =
        a.out() != null
            ? a.out()
            : Path.of(
                "flotilla-sim",
                scenario.name()
                    + "-"
                    + LocalDateTime.now()
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      err.println("flotilla " + command + ": cannot create " + dir + ": " + e.getMessage());
      return USAGE;
    }
    logTo(dir.resolve("simulator.log"));
    out.printf(
        Locale.ROOT,
        "Flotilla %s: scenario %s, %d virtual nodes%n  %s%n",
        command,
        scenario.name(),
        scenario.fleet().nodes(),
        scenario.description().strip().replace("\n", "\n  "));
    ControlTarget target;
    if (remote != null) {
      target = remote;
    } else {
      out.println(
          "starting the controller with its embedded broker (log: "
              + dir.resolve("controller.log")
              + ")");
      try {
        target =
            ControllerProcess.start(
                new ControllerProcess.Options(
                    dir.resolve("controller"), dir.resolve("controller.log"), List.of(), Map.of()));
      } catch (RuntimeException e) {
        err.println("flotilla " + command + ": " + e.getMessage());
        return FAILED;
      }
    }
    ProgressLine progress = new ProgressLine(out, System.console() != null);
    RunReport report;
    try (target) {
      report = new ScenarioRunner(scenario, target, dir, progress).run();
    } catch (RuntimeException e) {
      progress.end();
      err.println("flotilla " + command + ": the run failed: " + e);
      return FAILED;
    }
    progress.end();
    ReportFiles.Paths paths;
    try {
      paths = ReportFiles.write(report, dir);
    } catch (IOException | RuntimeException e) {
      err.println("flotilla " + command + ": cannot write the report: " + e.getMessage());
      return FAILED;
    }
    out.println();
    out.print(TerminalSummary.format(report, paths.html(), paths.json()));
    return report.passed() ? OK : FAILED;
  }

  /** The simulator's own log goes to a file in the run's directory, not over the progress line. */
  private static void logTo(Path file) {
    try {
      LogManager.getLogManager().reset();
      Logger root = Logger.getLogger("");
      FileHandler handler = new FileHandler(file.toString(), true);
      handler.setFormatter(new SimpleFormatter());
      handler.setLevel(Level.INFO);
      root.addHandler(handler);
      root.setLevel(Level.INFO);
    } catch (IOException e) {
      Logger.getLogger("").setLevel(Level.WARNING);
    }
  }

  /** The progress display: one line rewritten in place on a terminal, a line every 10 s else. */
  static final class ProgressLine implements Progress.Listener {
    private final PrintStream out;
    private final boolean terminal;
    private double lastPrinted = -1e9;
    private boolean dirty;

    ProgressLine(PrintStream out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    @Override
    public synchronized void progress(Progress p) {
      String line =
          String.format(
              Locale.ROOT,
              "[%4.0fs] step %d/%d %s | connected %d/%d | converged %d/%d%s",
              p.seconds(),
              p.step(),
              p.steps(),
              shorten(p.doing(), 48),
              p.connected(),
              p.total(),
              p.converged(),
              p.total(),
              p.rollout().isEmpty() ? "" : " | " + p.rollout());
      if (terminal) {
        out.print("\r\033[2K" + line);
        out.flush();
        dirty = true;
      } else if (p.seconds() - lastPrinted >= 10) {
        out.println(line);
        lastPrinted = p.seconds();
      }
    }

    synchronized void end() {
      if (dirty) {
        out.println();
        dirty = false;
      }
    }

    private static String shorten(String s, int max) {
      return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
  }

  static int walkthrough(PrintStream out) {
    out.println("Flotilla walkthrough: the signed desired-state protocol, controller to nodes");
    out.println();
    Report report = new ProtocolWalkthrough(Clock.systemUTC()).run(WALKTHROUGH_NODES);
    out.println("controller signing key " + report.keyId() + ", pinned by every node");
    out.println();
    out.println("rollout: one retained, signed, full desired state per node");
    for (Delivery d : report.rollout()) {
      out.println(line(ProtocolWalkthrough.topic(d), d));
    }
    out.println();
    out.println(
        "deliveries to "
            + report.faults().get(0).node()
            + ": faults, with two genuine newer generations among them");
    for (Delivery d : report.faults()) {
      out.println(line(d.label(), d));
    }
    out.println();
    long refused = report.faults().stream().filter(d -> d.refusal().isPresent()).count();
    long broken =
        report.rollout().stream().filter(d -> !d.asPromised()).count()
            + report.faults().stream().filter(d -> !d.asPromised()).count();
    out.printf(
        Locale.ROOT,
        "%d nodes applied their signed state; %d faults refused with a typed reason while the"
            + " last good generation was kept; %d newer generations applied; %d outcome(s) differ"
            + " from the protocol's promise.%n",
        report.rollout().stream().filter(d -> d.appliedAfter() == 1).count(),
        refused,
        report.faults().size() - refused,
        broken);
    return broken == 0 ? OK : FAILED;
  }

  private static String line(String what, Delivery d) {
    String outcome =
        d.refusal().map(r -> "refused " + r).orElse("applied") + ", holds gen " + d.appliedAfter();
    String mark =
        d.asPromised()
            ? "ok "
            : "!! expected " + d.expected().map(Enum::name).orElse("acceptance") + ": ";
    return String.format(Locale.ROOT, "  %s%-52s %7d B  %s", mark, what, d.bytes(), outcome);
  }
}
