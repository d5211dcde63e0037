package dev.flotilla.simulator.cli;

import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Delivery;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Report;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;

/**
 * Entry point of {@code flotilla demo} and {@code flotilla simulate}.
 *
 * <p>Until the simulator is built (issue 7), {@code demo} runs the protocol walkthrough: the part
 * of Flotilla that exists, the signed desired-state contract, exercised end to end without a
 * broker. Exit status 0 when every outcome is what the protocol promises, 1 otherwise, 2 for a
 * usage error or a command that is not built yet.
 */
public final class SimulatorMain {
  static final int OK = 0;
  static final int BROKEN_PROMISE = 1;
  static final int USAGE = 2;
  private static final int DEMO_NODES = 5;

  private SimulatorMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "demo" : args[0];
    return switch (command) {
      case "demo" -> demo(out);
      case "simulate" -> {
        err.println(
            "flotilla simulate: the fleet simulator is not built yet (issue 7); `flotilla demo`"
                + " runs the protocol walkthrough meanwhile.");
        yield USAGE;
      }
      default -> {
        err.println("flotilla: unknown simulator command '" + command + "' (try demo)");
        yield USAGE;
      }
    };
  }

  static int demo(PrintStream out) {
    out.println("Flotilla demo: the signed desired-state protocol, controller to nodes");
    out.println("(the simulated fleet of 1,000 nodes replaces this walkthrough with issue 7)");
    out.println();
    Report report = new ProtocolWalkthrough(Clock.systemUTC()).run(DEMO_NODES);
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
    return broken == 0 ? OK : BROKEN_PROMISE;
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
