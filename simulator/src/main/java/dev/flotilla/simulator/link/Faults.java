package dev.flotilla.simulator.link;

/**
 * The simulated network between one link and the broker. Hub thread only: the link's fault methods
 * hand their changes to the hub. Outlives the link's connections: a partition or a latency applies
 * to every connection the link makes until it is lifted.
 */
final class Faults {
  /** Nothing crosses the wire in either direction; no socket is opened. */
  boolean partitioned;

  /** Added to every packet in each direction, in nanoseconds; 0 for none. */
  long latencyNanos;
}
