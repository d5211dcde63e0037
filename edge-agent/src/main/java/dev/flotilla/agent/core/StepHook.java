package dev.flotilla.agent.core;

/**
 * Called by the executor at each step boundary, before and after every runtime call. Production
 * uses {@link #NONE}; crash-consistency tests throw from it to interrupt the agent at a chosen
 * point, exactly as a power cut there would.
 */
@FunctionalInterface
public interface StepHook {
  StepHook NONE = (step, workload) -> {};

  /**
   * @param step a stable step name, e.g. {@code before-create}, {@code after-start}
   * @param workload the workload concerned
   */
  void at(String step, String workload);
}
