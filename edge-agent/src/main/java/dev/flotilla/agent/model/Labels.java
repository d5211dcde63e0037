package dev.flotilla.agent.model;

/** The labels Flotilla puts on every container it creates; nothing else is ever touched. */
public final class Labels {
  public static final String WORKLOAD = "flotilla.workload";
  public static final String REVISION = "flotilla.revision";
  public static final String SPEC_HASH = "flotilla.spec-hash";

  private Labels() {}
}
