package dev.flotilla.simulator.scenario;

import dev.flotilla.controller.manifest.DeploymentManifest;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.manifest.ManifestReader;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.rollout.RolloutState;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One step of a scenario's timeline. Steps run one after the other: a step that lasts (a wait, an
 * await, a fault with a duration, a restart with a down time) ends before the next begins, so a
 * fault overlaps a rollout when the rollout's {@link Apply} comes before it. Faults end by
 * themselves: a partition heals and a crashed node comes back when the step ends.
 */
public sealed interface Step {
  /** One line for the timeline, e.g. {@code partition 10% of nodes for 60s}. */
  String describe();

  /** The commands a {@link RolloutCommand} may give. */
  List<String> ROLLOUT_COMMANDS = List.of("pause", "resume", "promote", "abort", "undo");

  /**
   * Applies one deployment manifest, as {@code POST /deployments} does.
   *
   * @param manifest a {@code kind: Deployment} manifest in YAML that the controller's {@link
   *     ManifestReader} accepts
   */
  record Apply(String manifest) implements Step {
    public Apply {
      Objects.requireNonNull(manifest, "manifest");
    }

    /**
     * The manifest as the controller reads it.
     *
     * @throws InvalidInputException when the controller refuses it
     */
    public DeploymentManifest parsed() {
      return ManifestReader.read(manifest, ManifestFormat.YAML);
    }

    @Override
    public String describe() {
      try {
        DeploymentManifest m = parsed();
        return "apply "
            + m.name()
            + ": "
            + m.template().image()
            + " ("
            + m.strategy().type().manifestName()
            + ")";
      } catch (InvalidInputException e) {
        return "apply a manifest the controller refuses";
      }
    }
  }

  /** Does nothing for a while; the fleet goes on. */
  record Wait(Duration duration) implements Step {
    public Wait {
      requirePositive(duration, "duration");
    }

    @Override
    public String describe() {
      return "wait " + Durations.format(duration);
    }
  }

  /**
   * Waits until the fleet has converged: every node reachable and running what the controller wants
   * of it. The scenario fails when {@code timeout} passes first.
   */
  record AwaitConverged(Duration timeout) implements Step {
    /** When a scenario says none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public AwaitConverged {
      requirePositive(timeout, "timeout");
    }

    @Override
    public String describe() {
      return "await convergence (at most " + Durations.format(timeout) + ")";
    }
  }

  /**
   * Waits until the latest rollout of {@code deployment} is in one of {@code states}. The scenario
   * fails when {@code timeout} passes first.
   *
   * @param states {@link RolloutState} names, at least one, sorted
   */
  record AwaitRollout(String deployment, Set<String> states, Duration timeout) implements Step {
    /** When a scenario says none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** What {@code done} stands for: every final state. */
    public static final Set<String> DONE =
        Collections.unmodifiableSet(
            new TreeSet<>(
                Arrays.stream(RolloutState.values())
                    .filter(s -> !s.active())
                    .map(RolloutState::name)
                    .toList()));

    public AwaitRollout {
      Objects.requireNonNull(deployment, "deployment");
      states = Collections.unmodifiableSet(new TreeSet<>(states));
      if (states.isEmpty()) {
        throw new IllegalArgumentException("await at least one state");
      }
      for (String state : states) {
        RolloutState.valueOf(state);
      }
      requirePositive(timeout, "timeout");
    }

    @Override
    public String describe() {
      return "await rollout of "
          + deployment
          + ": "
          + (states.equals(DONE) ? "done" : String.join(" or ", states))
          + " (at most "
          + Durations.format(timeout)
          + ")";
    }
  }

  /**
   * An operator's rollout command, as {@code POST /deployments/{name}/rollout/{command}} (or {@code
   * /undo}) gives it.
   *
   * @param command one of {@link #ROLLOUT_COMMANDS}
   */
  record RolloutCommand(String deployment, String command) implements Step {
    public RolloutCommand {
      Objects.requireNonNull(deployment, "deployment");
      if (!ROLLOUT_COMMANDS.contains(command)) {
        throw new IllegalArgumentException(
            "command must be one of " + ROLLOUT_COMMANDS + ", got " + command);
      }
    }

    @Override
    public String describe() {
      return "rollout " + command + " " + deployment;
    }
  }

  /** Cuts the selected nodes off the broker for {@code duration}, then heals the link. */
  record Partition(NodeSelector nodes, Duration duration) implements Step {
    public Partition {
      Objects.requireNonNull(nodes, "nodes");
      requirePositive(duration, "duration");
    }

    @Override
    public String describe() {
      return "partition " + nodes.describe() + " for " + Durations.format(duration);
    }
  }

  /**
   * Takes the selected nodes' links down for {@code down}, up for {@code up}, and again, for {@code
   * duration} in all; the links are up when the step ends.
   */
  record Flap(NodeSelector nodes, Duration down, Duration up, Duration duration) implements Step {
    public Flap {
      Objects.requireNonNull(nodes, "nodes");
      requirePositive(down, "down");
      requirePositive(up, "up");
      requirePositive(duration, "duration");
    }

    @Override
    public String describe() {
      return "flap "
          + nodes.describe()
          + " ("
          + Durations.format(down)
          + " down, "
          + Durations.format(up)
          + " up) for "
          + Durations.format(duration);
    }
  }

  /**
   * Delays everything the selected nodes send and receive by {@code delay} for {@code duration}.
   */
  record Latency(NodeSelector nodes, Duration delay, Duration duration) implements Step {
    public Latency {
      Objects.requireNonNull(nodes, "nodes");
      requirePositive(delay, "delay");
      requirePositive(duration, "duration");
    }

    @Override
    public String describe() {
      return "add "
          + Durations.format(delay)
          + " latency to "
          + nodes.describe()
          + " for "
          + Durations.format(duration);
    }
  }

  /**
   * Stops the broker, keeps it down for {@code down} (0 or more), and starts it again with its
   * retained messages and sessions.
   */
  record RestartBroker(Duration down) implements Step {
    public RestartBroker {
      requireNotNegative(down, "down");
    }

    @Override
    public String describe() {
      return "restart the broker" + downFor(down);
    }
  }

  /**
   * Stops the controller (killed with {@code kill}, else a clean stop), keeps it down for {@code
   * down} (0 or more), and starts it again on the same data.
   */
  record RestartController(boolean kill, Duration down) implements Step {
    public RestartController {
      requireNotNegative(down, "down");
    }

    @Override
    public String describe() {
      return (kill ? "kill" : "stop") + " and restart the controller" + downFor(down);
    }
  }

  /**
   * Crashes the agent process of the selected nodes; their containers keep running. The agents
   * start again after {@code down} (0 or more).
   */
  record Crash(NodeSelector nodes, Duration down) implements Step {
    public Crash {
      Objects.requireNonNull(nodes, "nodes");
      requireNotNegative(down, "down");
    }

    @Override
    public String describe() {
      return "crash the agent of " + nodes.describe() + downFor(down);
    }
  }

  /**
   * Reboots the selected machines: agent and containers stop, and start again after {@code down} (0
   * or more). With {@code offlineFor}, the nodes lose their network first, reboot while offline,
   * and the network comes back {@code offlineFor} after the reboot began (so with {@code
   * offlineFor} no longer than {@code down} the nodes are offline only while they are down).
   *
   * @param offlineFor nullable: above zero when set; null: the network stays up
   */
  record Reboot(NodeSelector nodes, Duration down, @Nullable Duration offlineFor) implements Step {
    public Reboot {
      Objects.requireNonNull(nodes, "nodes");
      requireNotNegative(down, "down");
      if (offlineFor != null) {
        requirePositive(offlineFor, "offlineFor");
      }
    }

    @Override
    public String describe() {
      return "reboot "
          + nodes.describe()
          + (offlineFor == null ? "" : " while offline for " + Durations.format(offlineFor))
          + downFor(down);
    }
  }

  /**
   * Nothing happens for {@code duration}: the idle traffic per node and minute is measured over
   * this window.
   */
  record Idle(Duration duration) implements Step {
    public Idle {
      requirePositive(duration, "duration");
    }

    @Override
    public String describe() {
      return "idle " + Durations.format(duration) + " (measuring idle traffic)";
    }
  }

  private static String downFor(Duration down) {
    return down.isZero() ? "" : ", down " + Durations.format(down);
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be above zero, got " + value);
    }
  }

  private static void requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
