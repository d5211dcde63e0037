package dev.flotilla.simulator.run;

/**
 * What a run is doing, about once a second, for a progress display.
 *
 * @param seconds since the run started
 * @param step the step running now, 1-based; 0 while the fleet starts, steps + 1 when settling
 * @param steps how many steps the scenario has
 * @param doing what the current step does, one line
 * @param connected nodes whose link is connected
 * @param converged nodes that run what the controller targets for them
 * @param total nodes in the fleet
 * @param rollout the active rollout, one line; empty when none
 */
public record Progress(
    double seconds,
    int step,
    int steps,
    String doing,
    int connected,
    int converged,
    int total,
    String rollout) {

  /** Receives progress; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    void progress(Progress p);

    Listener NONE = p -> {};
  }
}
