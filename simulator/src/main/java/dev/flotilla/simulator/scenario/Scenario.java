package dev.flotilla.simulator.scenario;

import java.util.List;
import java.util.Objects;

/**
 * A simulator scenario: a fleet, a timeline of steps against it, and what must hold at the end.
 * Read and checked by {@link ScenarioReader}; immutable.
 *
 * @param name a short name of lower-case letters, digits and dashes; a shipped scenario's is its
 *     file name
 * @param description what the scenario rehearses, for people; may be empty
 * @param fleet the simulated fleet
 * @param steps at least one step, run in order
 * @param expect what must hold when the steps are done
 */
public record Scenario(
    String name, String description, FleetSpec fleet, List<Step> steps, Expectations expect) {

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(fleet, "fleet");
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a scenario needs at least one step");
    }
    Objects.requireNonNull(expect, "expect");
  }

  /**
   * The same scenario over {@code nodes} nodes (the {@code --nodes} override): the groups keep
   * their shares, so the profile mix stays; selectors and image rules with a share scale with the
   * fleet, and those with a count keep their count.
   *
   * @throws IllegalArgumentException unless {@code nodes} is 1 to {@link FleetSpec#MAX_NODES}
   */
  public Scenario withNodes(int nodes) {
    return new Scenario(name, description, fleet.withNodes(nodes), steps, expect);
  }
}
