package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.controller.api.ApiDurations;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logs} and {@code restart}: a workload on one node, through the node's command channel. The
 * endpoints ({@code GET /api/v1/nodes/{id}/workloads/{workload}/logs} and {@code POST .../restart})
 * answer 504 {@code node_unreachable} when the node is offline; its message is printed as is.
 */
final class WorkloadCommands {
  private WorkloadCommands() {}

  /** NODE WORKLOAD and --timeout: what both commands address and how long the node has. */
  static final class Target {
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(30);

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String node;

    @Parameters(
        index = "1",
        paramLabel = "WORKLOAD",
        description = "The workload (deployment) name.")
    String workload;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description =
            "How long the node has to answer (default 30s); a command to a node offline longer"
                + " expires at the broker.")
    String timeout = "30s";

    /**
     * {@code --timeout} read as the API reads it: a whole number of seconds, minutes, hours or
     * days.
     *
     * @throws IllegalArgumentException naming the option and the text when it is not one
     */
    static Duration parseTimeout(String text) {
      return ApiDurations.parse(text)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "--timeout must be a duration such as 30s or 5m, was '" + text + "'"));
    }

    /**
     * How long the client waits for the controller's answer to a call that gives the node {@code
     * nodeTimeout}: that, plus the controller's grace and the transfer, so that the operator hears
     * the controller's verdict (e.g. 504 node_unreachable) rather than a client-side timeout.
     */
    static Duration answerWithin(Duration nodeTimeout) {
      return nodeTimeout.plus(ANSWER_MARGIN);
    }

    /** {@link #answerWithin} for this {@code --timeout}; a malformed one is a usage error. */
    Duration answerWithin(ClientCommand command) {
      try {
        return answerWithin(parseTimeout(timeout));
      } catch (IllegalArgumentException e) {
        throw command.usage(e.getMessage());
      }
    }

    /**
     * The workload's path under the API, {@code /api/v1/nodes/N/workloads/W}, then {@code rest}.
     */
    String path(String rest) {
      return ClientCommand.path("/api/v1/nodes", node)
          + ClientCommand.path("/workloads", workload)
          + rest
          + (rest.contains("?") ? "&" : "?")
          + "timeout="
          + ApiClient.encode(timeout);
    }
  }

  /** {@code flotilla logs NODE WORKLOAD [--tail N] [--follow]}. */
  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = "Print a workload's log from its node; --follow streams it.")
  static final class Logs extends ClientCommand {
    @Mixin Target target = new Target();

    @Option(names = "--tail", paramLabel = "N", description = "The last N lines (default 100).")
    int tail = 100;

    @Option(
        names = {"-f", "--follow"},
        description = "Keep streaming new lines until the node ends the stream.")
    boolean follow;

    @Override
    int execute() {
      if (tail < 0) {
        throw usage("--tail must be 0 or more, was " + tail);
      }
      Duration answerWithin = target.answerWithin(this);
      String path = target.path("/logs?tail=" + tail + "&follow=" + follow);
      @Nullable Duration limit = follow ? null : answerWithin;
      api().stream(path, out(), limit);
      return 0;
    }
  }

  /** {@code flotilla restart NODE WORKLOAD}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Restart a workload's container on one node.")
  static final class Restart extends ClientCommand {
    @Mixin Target target = new Target();

    @Override
    int execute() {
      JsonNode answer = api().post(target.path("/restart"), null, target.answerWithin(this));
      String result = answer == null ? "" : Fleet.text(answer, "result");
      String message = answer == null ? "" : Fleet.text(answer, "message");
      out()
          .println(
              "workload "
                  + target.workload
                  + " on node/"
                  + target.node
                  + ": "
                  + (result.isEmpty() ? "restarted" : result)
                  + (message.isEmpty() ? "" : " (" + message + ")"));
      return 0;
    }
  }
}
