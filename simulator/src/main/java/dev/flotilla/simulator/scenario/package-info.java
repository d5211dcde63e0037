/**
 * Simulator scenarios: the fleet to simulate, the steps to run against it (deployments, rollouts,
 * faults on a timeline) and what must hold at the end, as immutable records ({@link
 * dev.flotilla.simulator.scenario.Scenario}), read from YAML and checked by {@link
 * dev.flotilla.simulator.scenario.ScenarioReader}. Pure: nothing here runs a scenario.
 *
 * <p>Everything here is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.flotilla.simulator.scenario;

import org.jspecify.annotations.NullMarked;
