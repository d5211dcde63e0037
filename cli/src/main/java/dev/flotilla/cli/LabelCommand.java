package dev.flotilla.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.format.LabelArgs;
import dev.flotilla.cli.format.ResourceKind;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla label node NAME key=value key-}: kubectl's label syntax over the label patch. */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description = "Set (key=value) or remove (key-) labels of a node.")
final class LabelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KIND", description = "node (no)")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "The node's id.")
  String name;

  @Parameters(
      index = "2..*",
      arity = "1..*",
      paramLabel = "CHANGE",
      description = "key=value or key-")
  List<String> changes;

  @Override
  int execute() {
    if (ResourceKind.exactly(kind).orElse(null) != ResourceKind.NODES) {
      throw usage("label takes node, not '" + kind + "' (deployments have no labels)");
    }
    Map<String, String> parsed;
    try {
      parsed = LabelArgs.parse(changes);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    ObjectNode body = ApiClient.object();
    ObjectNode labels = body.putObject("labels");
    parsed.forEach(
        (k, v) -> {
          if (v == null) {
            labels.putNull(k);
          } else {
            labels.put(k, v);
          }
        });
    api().patch(path("/api/v1/nodes", name) + "/labels", body);
    out().println("node/" + name + " labeled");
    return 0;
  }
}
