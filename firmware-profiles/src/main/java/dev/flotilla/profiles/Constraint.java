package dev.flotilla.profiles;

/** What a workload can fail to fit on, in the order {@link Fit#check} reports misfits. */
public enum Constraint {
  /** The profile's architecture is not one the workload has images for. */
  ARCHITECTURE,
  /** The profile's firmware is older than the workload needs. */
  FIRMWARE,
  /** The profile has fewer of a peripheral than the workload needs. */
  PERIPHERAL,
  /** The node has less CPU free than the workload requests. */
  CPU,
  /** The node has less memory free than the workload requests. */
  MEMORY
}
