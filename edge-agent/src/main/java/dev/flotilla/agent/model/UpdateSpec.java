package dev.flotilla.agent.model;

import dev.flotilla.protocol.MaintenanceWindows;
import java.time.Duration;
import java.util.Objects;

/**
 * How the node moves a workload from the revision it runs to a new one (the wire's {@code
 * UpdatePolicy}, defaults applied). Not part of the workload's identity: {@link SpecHash} leaves it
 * out, so changing only this never replaces a container.
 *
 * @param mode replace, or blue-green
 * @param switchAfter BLUE_GREEN: how long the new container must be running and healthy before the
 *     old one is removed; zero: at the first healthy verdict
 * @param giveUpAfter BLUE_GREEN: how long after the new container was first created the node gives
 *     up on it if it is not healthy then
 * @param windows when a running revision may be replaced; {@link MaintenanceWindows#ANY_TIME}: at
 *     any time
 */
public record UpdateSpec(
    Mode mode, Duration switchAfter, Duration giveUpAfter, MaintenanceWindows windows) {
  public enum Mode {
    /** Remove the old container, then create the new one. */
    REPLACE,
    /** Start the new container beside the old one; remove the old one once the new is healthy. */
    BLUE_GREEN
  }

  /** Replace at any time: what a workload without an update policy gets. */
  public static final UpdateSpec DEFAULT =
      new UpdateSpec(
          Mode.REPLACE, Duration.ZERO, Duration.ofMinutes(5), MaintenanceWindows.ANY_TIME);

  public UpdateSpec {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(switchAfter, "switchAfter");
    Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    Objects.requireNonNull(windows, "windows");
  }

  public UpdateSpec withWindows(MaintenanceWindows value) {
    return new UpdateSpec(mode, switchAfter, giveUpAfter, value);
  }
}
