package dev.flotilla.agent.cli;

/**
 * Entry point of {@code flotilla agent}. Placeholder until issue 3 builds the edge agent: it says
 * so and exits with status 2, so that no script mistakes it for a running agent.
 */
public final class AgentMain {
  static final int NOT_BUILT = 2;

  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run());
  }

  static int run() {
    System.err.println(
        "flotilla agent: the edge agent is not built yet (issue 3); nothing was started.");
    return NOT_BUILT;
  }
}
