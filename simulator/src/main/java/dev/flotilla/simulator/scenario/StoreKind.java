package dev.flotilla.simulator.scenario;

/** Where each virtual node's agent keeps its SQLite store. */
public enum StoreKind {
  /** One {@code agent.db} file per node: the real thing, but a few file descriptors per node. */
  FILE,
  /** SQLite in memory: no file descriptors per node, so the fleet can be large (the default). */
  MEMORY
}
