package dev.flotilla.agent.core;

import com.google.protobuf.ByteString;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.CommandReply.Result;
import dev.flotilla.protocol.v1.FetchLogs;
import dev.flotilla.protocol.v1.LogChunk;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.ResourceUsage;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers the controller's commands ({@code flotilla/v1/nodes/{node}/cmd}) with replies on {@code
 * cmd/reply}, each carrying the command's MQTT 5 correlation data.
 *
 * <p><b>Threads.</b> {@link #accept} is called on the link's thread and only hands the command to
 * the {@code worker} executor: decoding, reading logs and waiting for the core all happen there,
 * never on the link thread, and a log follow never holds the core's serial executor. Work that
 * changes the node (restart) or reads the core's state (status) is done by the core on its serial
 * executor through {@link Node}; the worker waits for it (bounded by {@link #CORE_WAIT}). At most
 * {@link #MAX_RUNNING} commands run at once; more are refused as busy, except {@code cancel}, which
 * ends a running log read (a follow whose reader went away) and so is never refused for it.
 *
 * <p><b>Replies.</b> A command gets one reply, or for {@code fetch_logs} a numbered series of log
 * chunks (at most {@link #CHUNK_BYTES} each) of which the last has {@code final} set. Replies are
 * published only while connected and never queued in the outbox: one that cannot be published is
 * dropped and the caller times out; a log read stops as soon as a chunk could not be published.
 *
 * <p><b>Refusals.</b> A payload that does not decode, a command for another node, one without an
 * action or without a workload is answered {@code REJECTED}; an action this agent does not know (a
 * newer controller's) is {@code UNSUPPORTED}. Each refusal is also an event ({@code
 * command.rejected}) so the operator can see it in the node's history.
 */
public final class CommandHandler {
  private static final System.Logger LOG = System.getLogger(CommandHandler.class.getName());

  /** Lines of a log sent when the command asks for 0. */
  public static final int DEFAULT_TAIL_LINES = 100;

  /** The largest piece of log data in one reply. */
  public static final int CHUNK_BYTES = 16 * 1024;

  /** Bytes of log sent when the command asks for 0. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  /** The most bytes of log one command may ask for; more is capped to this. */
  public static final int MAX_BYTES_CAP = 4 * 1024 * 1024;

  /** How long a follow lasts when the command asks for 0 seconds. */
  public static final Duration DEFAULT_FOLLOW = Duration.ofSeconds(300);

  /** The longest follow one command may ask for; more is capped to this. */
  public static final Duration MAX_FOLLOW = Duration.ofHours(1);

  /** Commands running at once on one node; beyond this a command is refused as busy. */
  static final int MAX_RUNNING = 4;

  /** How long a command waits for the core (restart, status) before it answers ERROR. */
  static final Duration CORE_WAIT = Duration.ofSeconds(60);

  /** What the handler asks of the agent core; each call may be made from any thread. */
  public interface Node {
    /**
     * Restarts the workload's container on the core's serial executor.
     *
     * @return completes with a sentence for the operator, or fails with {@link Refused}
     */
    CompletableFuture<String> restart(String workload);

    /** Marks a reconcile pass as needed now. */
    void resync();

    /** A FULL status as the core sees the node now, built on its serial executor. */
    CompletableFuture<NodeStatus> fullStatus();
  }

  /** A command the node understood and will not carry out; the message says why. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Result result;

    public Refused(Result result, String message) {
      super(message);
      this.result = Objects.requireNonNull(result, "result");
    }

    public Result result() {
      return result;
    }
  }

  private final NodeId node;
  private final WireDecoder decoder;
  private final ContainerRuntime runtime;
  private final FleetLink link;
  private final Executor worker;
  private final EventSink events;
  private final Node core;
  private final AtomicInteger running = new AtomicInteger();
  // Log reads in progress by command id, for cancel.
  private final Map<String, LogChunker> reads = new ConcurrentHashMap<>();

  /**
   * @param worker runs each command; may block for the length of a log follow, so it must not be
   *     the core's executor (a virtual thread per task suits it)
   * @param events where refusals and restarts are reported (the core's outbox)
   */
  public CommandHandler(
      NodeId node,
      WireDecoder decoder,
      ContainerRuntime runtime,
      FleetLink link,
      Executor worker,
      EventSink events,
      Node core) {
    this.node = Objects.requireNonNull(node, "node");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.link = Objects.requireNonNull(link, "link");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.events = Objects.requireNonNull(events, "events");
    this.core = Objects.requireNonNull(core, "core");
  }

  /** Takes a command from the link; returns at once. */
  public void accept(byte[] payload, byte[] correlationData) {
    byte[] correlation = correlationData.clone();
    try {
      worker.execute(() -> handle(payload, correlation));
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "command.dropped node={0} reason=\"worker refused: {1}\"", node, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding and validation (pure)

  /** A command as decoded and checked: either one to run or the reply that refuses it. */
  sealed interface Parsed {
    /** A well-formed command for this node with an action this agent knows. */
    record Valid(Command command) implements Parsed {}

    /** The reply that refuses the command, and why (for the log and the event). */
    record Invalid(CommandReply reply) implements Parsed {}
  }

  /** Decodes and checks {@code payload} as a command for {@code node}. Pure. */
  static Parsed parse(NodeId node, WireDecoder decoder, byte[] payload) {
    Command command;
    try {
      command = decoder.command(payload);
    } catch (ProtocolException e) {
      return new Parsed.Invalid(
          reply(node, "", Result.REJECTED, "malformed command: " + e.getMessage()));
    }
    String id = command.getCommandId();
    if (!command.getNodeId().equals(node.value())) {
      return new Parsed.Invalid(
          reply(
              node,
              id,
              Result.REJECTED,
              "command "
                  + id
                  + " is for node "
                  + command.getNodeId()
                  + " but arrived at node "
                  + node.value()));
    }
    switch (command.getActionCase()) {
      case ACTION_NOT_SET -> {
        if (!command.getUnknownFields().asMap().isEmpty()) {
          return new Parsed.Invalid(
              reply(
                  node,
                  id,
                  Result.UNSUPPORTED,
                  "this agent does not know the action of command "
                      + id
                      + " (field "
                      + command.getUnknownFields().asMap().keySet().iterator().next()
                      + "); update the agent"));
        }
        return new Parsed.Invalid(
            reply(node, id, Result.REJECTED, "command " + id + " has no action"));
      }
      case FETCH_LOGS -> {
        if (command.getFetchLogs().getWorkload().isEmpty()) {
          return new Parsed.Invalid(
              reply(node, id, Result.REJECTED, "fetch_logs.workload is empty: name a workload"));
        }
      }
      case CANCEL -> {
        if (command.getCancel().getCommandId().isEmpty()) {
          return new Parsed.Invalid(
              reply(
                  node,
                  id,
                  Result.REJECTED,
                  "cancel.command_id is empty: name the command to cancel"));
        }
      }
      case RESTART_WORKLOAD -> {
        if (command.getRestartWorkload().getWorkload().isEmpty()) {
          return new Parsed.Invalid(
              reply(
                  node,
                  id,
                  Result.REJECTED,
                  "restart_workload.workload is empty: name a workload"));
        }
      }
      default -> {}
    }
    return new Parsed.Valid(command);
  }

  /**
   * What a {@code fetch_logs} asks for, with the defaults filled in and the caps applied.
   *
   * @param tailLines lines from the end of the log
   * @param maxBytes the byte budget across all chunks
   * @param follow zero for no follow; else how long to follow
   */
  record LogLimits(int tailLines, int maxBytes, Duration follow) {
    static LogLimits of(FetchLogs request) {
      int tail =
          request.getTailLines() == 0
              ? DEFAULT_TAIL_LINES
              : (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(request.getTailLines()));
      long asked = Integer.toUnsignedLong(request.getMaxBytes());
      int max = asked == 0 ? DEFAULT_MAX_BYTES : (int) Math.min(asked, MAX_BYTES_CAP);
      Duration follow = Duration.ZERO;
      if (request.getFollow()) {
        long seconds = Integer.toUnsignedLong(request.getFollowSeconds());
        follow = seconds == 0 ? DEFAULT_FOLLOW : Duration.ofSeconds(seconds);
        if (follow.compareTo(MAX_FOLLOW) > 0) {
          follow = MAX_FOLLOW;
        }
      }
      return new LogLimits(tail, max, follow);
    }
  }

  /** Where log replies go; false when the reply could not be published. */
  @FunctionalInterface
  interface ReplySender {
    boolean send(CommandReply reply);
  }

  /**
   * Turns log bytes into numbered {@code CommandReply{logs}} chunks of at most {@link #CHUNK_BYTES}
   * within a byte budget. Pure apart from the sender; used by one thread.
   *
   * <p>Without follow, data is gathered into full chunks; with follow, what has arrived is sent at
   * once (a person is watching). {@link #finish} sends the last chunk, with {@code final} set,
   * possibly empty.
   */
  static final class LogChunker implements ContainerRuntime.LogSink {
    private final NodeId node;
    private final String commandId;
    private final int maxBytes;
    private final boolean eager;
    private final ReplySender sender;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int index;
    private long total;
    private boolean truncated;
    private boolean lost;
    private volatile boolean cancelled;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();

    LogChunker(NodeId node, String commandId, int maxBytes, boolean eager, ReplySender sender) {
      this.node = node;
      this.commandId = commandId;
      this.maxBytes = maxBytes;
      this.eager = eager;
      this.sender = sender;
    }

    @Override
    public boolean accept(byte[] chunk) {
      if (lost || truncated || cancelled) {
        return false;
      }
      long room = maxBytes - total;
      int keep = (int) Math.min(room, chunk.length);
      pending.write(chunk, 0, keep);
      total += keep;
      if (keep < chunk.length) {
        truncated = true;
      }
      byte[] data = pending.toByteArray();
      int sent = 0;
      while (data.length - sent >= CHUNK_BYTES && !lost) {
        send(data, sent, CHUNK_BYTES, false, "");
        sent += CHUNK_BYTES;
      }
      // What remains is kept for the next call; with eager sending it goes now, unless the budget
      // is spent, in which case finish sends it as the final chunk.
      if (eager && !truncated && data.length > sent && !lost) {
        send(data, sent, data.length - sent, false, "");
        sent = data.length;
      }
      pending.reset();
      pending.write(data, sent, data.length - sent);
      return !lost && !truncated && !cancelled;
    }

    @Override
    public CompletionStage<Void> stopped() {
      return stop;
    }

    /**
     * Ends the read from another thread: the runtime is told to stop at once, what arrives later is
     * refused, and {@link #finish} says the read was cancelled. Idempotent.
     */
    void cancel() {
      cancelled = true;
      stop.complete(null);
    }

    /**
     * Sends an empty chunk at once, so that the caller learns the read has started: a quiet follow
     * may send nothing else for minutes.
     */
    void started() {
      if (!lost) {
        send(new byte[0], 0, 0, false, "");
      }
    }

    /**
     * Sends what is left as the final chunk, with {@code result} and {@code message} (with {@code
     * "; cancelled"} after it when the read was cancelled).
     */
    void finish(Result result, String message) {
      if (lost) {
        return;
      }
      byte[] data = pending.toByteArray();
      pending.reset();
      String said =
          !cancelled ? message : message.isEmpty() ? "cancelled" : message + "; cancelled";
      sender.send(
          chunk(data, 0, data.length, true).toBuilder().setResult(result).setMessage(said).build());
    }

    long total() {
      return total;
    }

    boolean truncated() {
      return truncated;
    }

    /** Whether {@link #cancel} was called. */
    boolean cancelled() {
      return cancelled;
    }

    /** Whether a chunk could not be published, which ends the command. */
    boolean lost() {
      return lost;
    }

    private void send(byte[] data, int offset, int length, boolean last, String message) {
      if (!sender.send(chunk(data, offset, length, last).toBuilder().setMessage(message).build())) {
        lost = true;
      }
    }

    private CommandReply chunk(byte[] data, int offset, int length, boolean last) {
      return CommandReply.newBuilder()
          .setVersion(ProtocolVersions.current())
          .setNodeId(node.value())
          .setCommandId(commandId)
          .setResult(Result.OK)
          .setChunkIndex(index++)
          .setFinal(last)
          .setLogs(
              LogChunk.newBuilder()
                  .setData(ByteString.copyFrom(data, offset, length))
                  .setTruncated(last && truncated))
          .build();
    }
  }

  /** The one final reply to a command. */
  static CommandReply reply(NodeId node, String commandId, Result result, String message) {
    return CommandReply.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(node.value())
        .setCommandId(commandId)
        .setResult(result)
        .setMessage(message)
        .setChunkIndex(0)
        .setFinal(true)
        .build();
  }

  /**
   * The container that stands for {@code workload} now: a running one before a stopped one, the
   * most recently started first. Pure.
   */
  static Optional<ContainerInfo> currentContainer(List<ContainerInfo> containers, String workload) {
    return containers.stream()
        .filter(c -> c.workload().filter(workload::equals).isPresent())
        .min(
            Comparator.comparing((ContainerInfo c) -> c.state() != ContainerInfo.State.RUNNING)
                .thenComparing(
                    c -> c.startedAt().orElse(java.time.Instant.MIN), Comparator.reverseOrder()));
  }

  // ---------------------------------------------------------------------------------------------
  // Running commands (on the worker)

  private void handle(byte[] payload, byte[] correlation) {
    Parsed parsed = parse(node, decoder, payload);
    if (parsed instanceof Parsed.Invalid invalid) {
      refuse(invalid.reply(), correlation);
      return;
    }
    Command command = ((Parsed.Valid) parsed).command();
    String id = command.getCommandId();
    if (command.getActionCase() == Command.ActionCase.CANCEL) {
      cancel(id, command.getCancel().getCommandId(), correlation);
      return;
    }
    if (running.incrementAndGet() > MAX_RUNNING) {
      running.decrementAndGet();
      refuse(
          reply(
              node,
              id,
              Result.REJECTED,
              "node "
                  + node.value()
                  + " is busy: "
                  + MAX_RUNNING
                  + " commands are running; try again when one has finished"),
          correlation);
      return;
    }
    LOG.log(
        Level.INFO,
        "command.started node={0} command={1} action={2}",
        node,
        id,
        command.getActionCase());
    try {
      switch (command.getActionCase()) {
        case FETCH_LOGS -> fetchLogs(id, command.getFetchLogs(), correlation);
        case RESTART_WORKLOAD ->
            restart(id, command.getRestartWorkload().getWorkload(), correlation);
        case RESYNC -> {
          core.resync();
          send(reply(node, id, Result.OK, "node " + node.value() + " reconciles now"), correlation);
        }
        case REPORT_STATUS -> reportStatus(id, correlation);
        default ->
            send(
                reply(node, id, Result.UNSUPPORTED, "unknown action " + command.getActionCase()),
                correlation);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "command.failed node=" + node + " command=" + id, e);
      send(reply(node, id, Result.ERROR, "command " + id + " failed: " + e), correlation);
    } finally {
      running.decrementAndGet();
    }
  }

  private void fetchLogs(String id, FetchLogs request, byte[] correlation) {
    String workload = request.getWorkload();
    LogLimits limits = LogLimits.of(request);
    Optional<ContainerInfo> container;
    try {
      container = currentContainer(runtime.listByLabel(Labels.WORKLOAD), workload);
    } catch (ContainerRuntimeException e) {
      send(reply(node, id, Result.ERROR, "cannot list containers: " + e.getMessage()), correlation);
      return;
    }
    if (container.isEmpty()) {
      refuse(
          reply(
              node, id, Result.REJECTED, "node " + node.value() + " runs no workload " + workload),
          correlation);
      return;
    }
    String containerId = container.get().id();
    LogChunker chunker =
        new LogChunker(
            node,
            id,
            limits.maxBytes(),
            !limits.follow().isZero(),
            reply -> send(reply, correlation));
    reads.put(id, chunker);
    try {
      if (!limits.follow().isZero()) {
        chunker.started();
      }
      Result result = Result.OK;
      String message;
      try {
        runtime.logs(containerId, limits.tailLines(), limits.follow(), chunker);
        message =
            chunker.total()
                + " bytes of the log of "
                + workload
                + " (container "
                + shortId(containerId)
                + ")"
                + (chunker.truncated() ? ", cut at max_bytes " + limits.maxBytes() : "");
      } catch (ContainerRuntimeException e) {
        result = Result.ERROR;
        message = "cannot read the log of " + workload + ": " + e.getMessage();
      }
      chunker.finish(result, message);
    } finally {
      reads.remove(id, chunker);
    }
    LOG.log(
        Level.INFO,
        "command.logs node={0} command={1} workload={2} bytes={3} truncated={4} lost={5}"
            + " cancelled={6}",
        node,
        id,
        workload,
        String.valueOf(chunker.total()),
        chunker.truncated(),
        chunker.lost(),
        chunker.cancelled());
  }

  /** Ends the log read of command {@code target}, if one runs; answers OK either way. */
  private void cancel(String id, String target, byte[] correlation) {
    LogChunker read = reads.get(target);
    if (read != null) {
      read.cancel();
    }
    LOG.log(
        Level.INFO,
        "command.cancel node={0} command={1} target={2} running={3}",
        node,
        id,
        target,
        read != null);
    send(
        reply(
            node,
            id,
            Result.OK,
            read != null
                ? "command " + target + " cancelled"
                : "no command " + target + " runs on node " + node.value() + "; nothing to cancel"),
        correlation);
  }

  private void restart(String id, String workload, byte[] correlation) {
    try {
      String message = waitFor(core.restart(workload));
      send(reply(node, id, Result.OK, message), correlation);
    } catch (Refused e) {
      refuse(reply(node, id, e.result(), e.getMessage()), correlation);
    } catch (ContainerRuntimeException e) {
      send(
          reply(node, id, Result.ERROR, "cannot restart " + workload + ": " + e.getMessage()),
          correlation);
    }
  }

  private void reportStatus(String id, byte[] correlation) {
    NodeStatus status = withUsage(waitFor(core.fullStatus()));
    send(
        reply(node, id, Result.OK, status.getWorkloadsCount() + " workload(s)").toBuilder()
            .setStatus(status)
            .build(),
        correlation);
  }

  /**
   * Adds a resource sample to each running workload and their sum to the node; a workload whose
   * sample fails is left without one.
   */
  private NodeStatus withUsage(NodeStatus status) {
    List<ContainerInfo> containers;
    try {
      containers = runtime.listByLabel(Labels.WORKLOAD);
    } catch (ContainerRuntimeException e) {
      return status;
    }
    NodeStatus.Builder out = status.toBuilder();
    long cpu = 0;
    long memory = 0;
    for (int i = 0; i < out.getWorkloadsCount(); i++) {
      WorkloadStatus w = out.getWorkloads(i);
      Optional<ContainerInfo> c = currentContainer(containers, w.getName());
      if (c.isEmpty() || c.get().state() != ContainerInfo.State.RUNNING) {
        continue;
      }
      try {
        ContainerRuntime.Stats stats = runtime.stats(c.get().id());
        out.setWorkloads(
            i,
            w.toBuilder()
                .setUsage(
                    ResourceUsage.newBuilder()
                        .setCpuMillis((int) Math.min(Integer.MAX_VALUE, stats.cpuMillis()))
                        .setMemoryBytes(stats.memoryBytes())
                        .setMemoryLimitBytes(stats.memoryLimitBytes())));
        cpu += stats.cpuMillis();
        memory += stats.memoryBytes();
      } catch (ContainerRuntimeException e) {
        LOG.log(Level.DEBUG, "command.stats-failed workload={0} error={1}", w.getName(), e);
      }
    }
    out.setNodeUsage(
        ResourceUsage.newBuilder()
            .setCpuMillis((int) Math.min(Integer.MAX_VALUE, cpu))
            .setMemoryBytes(memory));
    return out.build();
  }

  private static <T> T waitFor(CompletableFuture<T> future) {
    try {
      return future.get(CORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the agent core", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the agent core did not answer within " + CORE_WAIT.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
    }
  }

  private void refuse(CommandReply reply, byte[] correlation) {
    LOG.log(
        Level.WARNING,
        "command.refused node={0} command={1} result={2} message=\"{3}\"",
        node,
        reply.getCommandId(),
        reply.getResult(),
        reply.getMessage());
    events.emit(
        Events.of(
            AgentEvent.Severity.WARNING,
            "command.rejected",
            "",
            0,
            reply.getMessage(),
            Map.of("command", reply.getCommandId(), "result", reply.getResult().name())));
    send(reply, correlation);
  }

  /** Publishes a reply if connected; false when it was not (or could not be) published. */
  private boolean send(CommandReply reply, byte[] correlation) {
    if (!link.connected()) {
      LOG.log(
          Level.INFO,
          "command.reply-dropped node={0} command={1} reason=offline",
          node,
          reply.getCommandId());
      return false;
    }
    CompletableFuture<Void> published = link.publishReply(reply.toByteArray(), correlation);
    // A publish refused at once (the link dropped meanwhile) ends a log read; one that fails
    // later makes the next one fail at once.
    boolean refused = published.isCompletedExceptionally();
    published.whenComplete(
        (ok, error) -> {
          if (error != null) {
            LOG.log(
                Level.INFO,
                "command.reply-dropped node={0} command={1} reason=\"{2}\"",
                node,
                reply.getCommandId(),
                error.getMessage());
          }
        });
    return !refused;
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
