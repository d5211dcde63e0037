package dev.flotilla.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla cordon NODE}: the node keeps what it runs and gets no new deployment. */
@Command(
    name = "cordon",
    mixinStandardHelpOptions = true,
    description = "Mark a node so that it gets no new deployment (it keeps what it runs).")
class CordonCommand extends ClientCommand {
  @Parameters(paramLabel = "NODE", description = "The node's id.")
  String name;

  boolean cordon() {
    return true;
  }

  @Override
  final int execute() {
    api().post(path("/api/v1/nodes", name) + (cordon() ? "/cordon" : "/uncordon"), null);
    out().println("node/" + name + (cordon() ? " cordoned" : " uncordoned"));
    return 0;
  }

  /** {@code flotilla uncordon NODE}. */
  @Command(
      name = "uncordon",
      mixinStandardHelpOptions = true,
      description = "Let a cordoned node get new deployments again.")
  static final class Uncordon extends CordonCommand {
    @Override
    boolean cordon() {
      return false;
    }
  }
}
