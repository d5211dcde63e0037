package dev.flotilla.controller.cli;

/**
 * Entry point of {@code flotilla controller}. Placeholder until issue 4 builds the cloud
 * controller: it says so and exits with status 2, so that no script mistakes it for a running
 * controller.
 */
public final class ControllerMain {
  static final int NOT_BUILT = 2;

  private ControllerMain() {}

  public static void main(String[] args) {
    System.exit(run());
  }

  static int run() {
    System.err.println(
        "flotilla controller: the cloud controller is not built yet (issue 4); nothing was"
            + " started.");
    return NOT_BUILT;
  }
}
