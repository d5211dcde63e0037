package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.command.Commands;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.Node;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.CommandReply.Result;
import dev.flotilla.protocol.v1.FetchLogs;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.ReportStatus;
import dev.flotilla.protocol.v1.ResourceUsage;
import dev.flotilla.protocol.v1.RestartWorkload;
import dev.flotilla.protocol.v1.Resync;
import dev.flotilla.protocol.v1.WorkloadStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote commands, version 1: a node's workload logs (whole or followed), restart of a workload, a
 * resync, and the node's live status, each sent to the node over MQTT and answered from its reply.
 *
 * <p>Each call waits for the node up to {@code timeout} (default: the setting {@code
 * flotilla.commands.timeout}), plus a short grace. Errors: 504 {@code node_unreachable} when the
 * node does not answer, saying whether it is offline; 502 {@code command_failed} when it answered
 * ERROR or does not know the command; 404 for an unknown node or a workload the node does not run;
 * 400 for a bad parameter or another refusal. GET needs any API token, POST an admin token ({@link
 * ApiAuthFilter}).
 */
@io.micronaut.http.annotation.Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
final class CommandApi {
  private static final Logger LOG = LoggerFactory.getLogger(CommandApi.class);

  static final String TEXT = "text/plain; charset=utf-8";
  static final String TRUNCATED_HEADER = "X-Flotilla-Truncated";
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  static final Duration MAX_FOLLOW = Duration.ofHours(1);
  static final Duration DEFAULT_FOLLOW = Duration.ofMinutes(5);
  static final int MAX_TAIL = 100_000;
  static final int MAX_BYTES = 4 * 1024 * 1024;

  /** How long past its own deadlines a call waits before it gives up on {@link Commands}. */
  private static final Duration SAFETY = Duration.ofSeconds(10);

  private final FleetService fleet;
  private final Commands commands;

  CommandApi(Controller controller) {
    this.fleet = controller.fleet();
    this.commands = controller.commands();
  }

  /**
   * The outcome of a one-shot command.
   *
   * @param workload null for a command on the whole node
   * @param result the node's result: OK
   * @param message the node's sentence
   */
  record CommandResult(String node, @Nullable String workload, String result, String message) {}

  /** Resource use; zero when not sampled. */
  record Usage(long cpuMillis, long memoryBytes, long memoryLimitBytes) {
    static Usage of(ResourceUsage u) {
      return new Usage(u.getCpuMillis(), u.getMemoryBytes(), u.getMemoryLimitBytes());
    }
  }

  /**
   * A workload as the node reports it now.
   *
   * @param image the image of that revision as the controller dispatched it; null when the
   *     controller no longer knows the revision (the node does not report images)
   */
  record LiveWorkload(
      String name,
      String revision,
      @Nullable String image,
      String state,
      String health,
      int restarts,
      String message,
      @Nullable String since,
      Usage usage) {
    static LiveWorkload of(WorkloadStatus w, @Nullable String image) {
      return new LiveWorkload(
          w.getName(),
          w.getRevision(),
          image,
          w.getState().name(),
          w.getHealth().name(),
          w.getRestartCount(),
          w.getMessage(),
          w.hasSince() ? instant(w.getSince()) : null,
          Usage.of(w.getUsage()));
    }
  }

  /** A node's FULL status, asked for just now. */
  record LiveStatus(
      String node,
      long observedGeneration,
      @Nullable String reportedAt,
      List<LiveWorkload> workloads,
      Usage resources) {
    static LiveStatus of(
        NodeStatus s, java.util.function.BiFunction<String, String, @Nullable String> images) {
      return new LiveStatus(
          s.getNodeId(),
          s.getObservedGeneration(),
          s.hasReportedAt() ? instant(s.getReportedAt()) : null,
          s.getWorkloadsList().stream()
              .map(w -> LiveWorkload.of(w, images.apply(w.getName(), w.getRevision())))
              .toList(),
          Usage.of(s.getNodeUsage()));
    }
  }

  // ---- endpoints ------------------------------------------------------------------------------

  @Tag(name = "commands")
  @Operation(
      summary = "A workload's log, read on the node",
      description =
          "text/plain, stdout and stderr together. Without follow the answer is the last `tail`"
              + " lines (at most `maxBytes`; header X-Flotilla-Truncated: true when cut). With"
              + " follow=true the answer streams (chunked) until the container stops, `followFor`"
              + " (default 5m) runs out or `maxBytes` is reached.")
  @Get(value = "/nodes/{id}/workloads/{workload}/logs", produces = TEXT)
  HttpResponse<?> logs(
      @PathVariable String id,
      @PathVariable String workload,
      @QueryValue(defaultValue = "100") String tail,
      @QueryValue(defaultValue = "false") String follow,
      @QueryValue(defaultValue = "") String followFor,
      @QueryValue(defaultValue = "1048576") String maxBytes,
      @QueryValue(defaultValue = "") String timeout) {
    int tailLines = integer("tail", tail, 1, MAX_TAIL);
    boolean following = bool("follow", follow);
    Duration followTime =
        followFor.isEmpty() ? DEFAULT_FOLLOW : duration("followFor", followFor, MAX_FOLLOW);
    int budget = integer("maxBytes", maxBytes, 1, MAX_BYTES);
    Duration wait = timeout(timeout);
    Node node = fleet.node(id);
    Command.Builder command =
        Command.newBuilder()
            .setFetchLogs(
                FetchLogs.newBuilder()
                    .setWorkload(workload)
                    .setTailLines(tailLines)
                    .setMaxBytes(budget)
                    .setFollow(following)
                    .setFollowSeconds(following ? (int) followTime.toSeconds() : 0));
    if (!following) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Commands.Stream stream =
          commands.stream(
              node.id(),
              command,
              wait,
              Duration.ZERO,
              reply -> {
                if (reply.hasLogs()) {
                  out.writeBytes(reply.getLogs().getData().toByteArray());
                }
              });
      CommandReply last = await(stream.done(), wait);
      requireOk(last);
      MutableHttpResponse<byte[]> answer = HttpResponse.ok(out.toByteArray()).contentType(TEXT);
      if (last.getLogs().getTruncated()) {
        answer.header(TRUNCATED_HEADER, "true");
      }
      return answer;
    }
    ByteStream body = new ByteStream();
    Commands.Stream stream =
        commands.stream(
            node.id(),
            command,
            wait,
            followTime,
            reply -> {
              if (reply.getResult() == Result.OK
                  && reply.hasLogs()
                  && !reply.getLogs().getData().isEmpty()) {
                body.push(reply.getLogs().getData().toByteArray());
              }
            });
    CommandReply first = await(stream.first(), wait);
    if (first.getFinal()) {
      requireOk(first);
    }
    body.onCancel(
        () -> {
          if (!stream.done().isDone()) {
            LOG.info("command.follow-abandoned node={} command={}", node.id(), stream.commandId());
            commands.cancel(node.id(), stream.commandId());
          }
        });
    stream
        .done()
        .whenComplete(
            (last, error) -> {
              if (error != null) {
                body.fail(error);
              } else if (last.getResult() != Result.OK) {
                body.fail(new IllegalStateException(last.getMessage()));
              } else {
                body.complete();
              }
            });
    return HttpResponse.ok(body).contentType(TEXT);
  }

  @Tag(name = "commands")
  @Operation(
      summary = "Restart a workload on the node",
      description =
          "The node replaces the workload's container with a fresh one from the same spec and"
              + " records a workload.restarted event.")
  @Post("/nodes/{id}/workloads/{workload}/restart")
  CommandResult restart(
      @PathVariable String id,
      @PathVariable String workload,
      @QueryValue(defaultValue = "") String timeout) {
    CommandReply reply =
        sendAndAwait(
            id,
            Command.newBuilder()
                .setRestartWorkload(RestartWorkload.newBuilder().setWorkload(workload)),
            timeout);
    return new CommandResult(id, workload, reply.getResult().name(), reply.getMessage());
  }

  @Tag(name = "commands")
  @Operation(summary = "Make the node reconcile now")
  @Post("/nodes/{id}/resync")
  CommandResult resync(@PathVariable String id, @QueryValue(defaultValue = "") String timeout) {
    CommandReply reply =
        sendAndAwait(id, Command.newBuilder().setResync(Resync.getDefaultInstance()), timeout);
    return new CommandResult(id, null, reply.getResult().name(), reply.getMessage());
  }

  @Tag(name = "commands")
  @Operation(
      summary = "The node's full status, asked for now",
      description =
          "Workloads with state, revision, health, restarts and resource use, and the node's"
              + " total use, as the node sees them at this moment.")
  @Get("/nodes/{id}/live-status")
  LiveStatus liveStatus(@PathVariable String id, @QueryValue(defaultValue = "") String timeout) {
    CommandReply reply =
        sendAndAwait(
            id, Command.newBuilder().setReportStatus(ReportStatus.getDefaultInstance()), timeout);
    if (!reply.hasStatus()) {
      throw new CommandFailedException("node " + id + " answered report_status without a status");
    }
    return LiveStatus.of(reply.getStatus(), this::image);
  }

  /** The image of {@code workload}'s {@code revision} as dispatched; null when unknown. */
  private @Nullable String image(String workload, String revision) {
    try {
      Deployment current = fleet.deployment(workload);
      if (String.valueOf(current.revision()).equals(revision)) {
        return current.template().image();
      }
      for (FleetService.Revision r : fleet.revisions(workload)) {
        if (String.valueOf(r.revision()).equals(revision)
            && r.manifest().get("spec") instanceof Map<?, ?> spec
            && spec.get("template") instanceof Map<?, ?> template
            && template.get("image") instanceof String image) {
          return image;
        }
      }
    } catch (FleetService.NotFoundException e) {
      // a workload the controller does not know (any more)
    }
    return null;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String instant(com.google.protobuf.Timestamp t) {
    return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  /** The node answered, but not OK. */
  static final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailedException(String message) {
      super(message);
    }
  }

  /**
   * Maps a reply that is not OK: REJECTED for a workload the node does not run is 404, another
   * refusal 400, ERROR and UNSUPPORTED 502.
   */
  static void requireOk(CommandReply reply) {
    switch (reply.getResult()) {
      case OK -> {}
      case REJECTED -> {
        if (reply.getMessage().contains(" runs no workload ")) {
          throw new FleetService.NotFoundException(reply.getMessage());
        }
        throw new InvalidInputException("", reply.getMessage());
      }
      case UNSUPPORTED ->
          throw new CommandFailedException(
              "node "
                  + reply.getNodeId()
                  + " does not support this command: "
                  + reply.getMessage());
      default ->
          throw new CommandFailedException(
              "node "
                  + reply.getNodeId()
                  + " could not carry out the command: "
                  + reply.getMessage());
    }
  }

  private static <T> T await(CompletableFuture<T> future, Duration wait) {
    try {
      // Commands completes every future by its own timers; this bound only guards against a bug.
      return future.get(wait.plus(MAX_FOLLOW).plus(SAFETY).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the node", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no outcome for the command in time", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
    }
  }

  /**
   * Sends a one-reply command to node {@code id} (404 when unknown) and waits for its reply for
   * {@code timeout} (the API's text, or the default): an OK reply, or the matching API error.
   */
  private CommandReply sendAndAwait(String id, Command.Builder action, String timeout) {
    Duration wait = timeout(timeout);
    Node node = fleet.node(id);
    CommandReply reply = await(commands.send(node.id(), action, wait), wait);
    requireOk(reply);
    return reply;
  }

  private Duration timeout(String text) {
    if (text.isEmpty()) {
      return commands.defaultTimeout();
    }
    return duration("timeout", text, MAX_TIMEOUT);
  }

  private static Duration duration(String field, String text, Duration max) {
    Duration d = FleetApi.duration(field, text);
    if (d.isZero() || d.compareTo(max) > 0) {
      throw new InvalidInputException(
          field, "must be a duration from 1s to " + Commands.format(max) + ", such as 30s or 5m");
    }
    return d;
  }

  private static int integer(String field, String text, int min, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidInputException(field, "must be a whole number from " + min + " to " + max);
  }

  private static boolean bool(String field, String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidInputException(field, "must be true or false");
    };
  }
}
