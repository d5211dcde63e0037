package dev.flotilla.cli;

import dev.flotilla.cli.format.ResourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla delete node|deployment NAME}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description =
        "Delete a node (its credentials stop working) or a deployment (it leaves every node).")
final class DeleteCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KIND", description = "node (no) or deployment (deploy)")
  String kind;

  @Parameters(
      index = "1",
      paramLabel = "NAME",
      description = "The node's id or the deployment's name.")
  String name;

  @Override
  int execute() {
    switch (ResourceKind.exactly(kind).orElse(null)) {
      case NODES -> {
        api().delete(path("/api/v1/nodes", name));
        out().println("node/" + name + " deleted");
      }
      case DEPLOYMENTS -> {
        api().delete(path("/api/v1/deployments", name));
        out().println("deployment.flotilla.dev/" + name + " deleted");
      }
      case null, default -> throw usage("delete takes node or deployment, not '" + kind + "'");
    }
    return 0;
  }
}
