package dev.flotilla.cli;

import dev.flotilla.agent.cli.AgentMain;
import dev.flotilla.controller.cli.ControllerMain;
import dev.flotilla.simulator.cli.SimulatorMain;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The run commands: each hands every argument after its name, untouched, to the main that ran it
 * before this tree existed, so their own options (and their own {@code --help}) keep working. These
 * mains own the process: they exit it themselves or run until stopped.
 */
final class RunCommands {
  private RunCommands() {}

  /** A command whose arguments all go to another main. */
  abstract static class Delegate implements Runnable {
    /** Every argument after the command's name, in order; picocli matches none of them. */
    @Unmatched List<String> args = new ArrayList<>();

    String[] arguments() {
      return args.toArray(String[]::new);
    }

    String[] prefixed(String first) {
      List<String> all = new ArrayList<>();
      all.add(first);
      all.addAll(args);
      return all.toArray(String[]::new);
    }
  }

  @Command(
      name = "controller",
      description = "Run the cloud controller: HTTP API, embedded MQTT broker, SQLite store.")
  static final class Controller extends Delegate {
    @Override
    public void run() {
      ControllerMain.main(arguments());
    }
  }

  @Command(name = "agent", description = "Run an edge agent (agent --config FILE; agent --help).")
  static final class Agent extends Delegate {
    @Override
    public void run() {
      AgentMain.main(arguments());
    }
  }

  @Command(
      name = "demo",
      description =
          "The simulated-fleet demo: a controller, 1,000 virtual nodes, a canary rollout, a"
              + " partition healed (demo --help).")
  static final class Demo extends Delegate {
    @Override
    public void run() {
      SimulatorMain.main(prefixed("demo"));
    }
  }

  @Command(
      name = "simulate",
      description = "Run a simulator scenario, shipped or a file (simulate --help).")
  static final class Simulate extends Delegate {
    @Override
    public void run() {
      SimulatorMain.main(prefixed("simulate"));
    }
  }

  @Command(
      name = "walkthrough",
      description = "The signed desired-state protocol, controller to nodes, without a broker.")
  static final class Walkthrough extends Delegate {
    @Override
    public void run() {
      SimulatorMain.main(prefixed("walkthrough"));
    }
  }
}
