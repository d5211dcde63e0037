package dev.flotilla.controller.ingest;

import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.controller.store.FleetStore.PresenceUpdate;
import dev.flotilla.controller.store.FleetStore.StatusUpdate;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.EventBatch;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.ResourceUsage;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes what nodes publish (status, events, presence), decodes it within the size limits and stores
 * it in batches: one writer thread drains the queue and writes up to {@value #BATCH} messages per
 * transaction. De-duplication by (node, sequence) happens in the store.
 *
 * <p>A message that cannot be decoded, is too large, is off the topic scheme, or names another node
 * than its topic is counted and logged (at most {@value #LOGS_PER_MINUTE} lines a minute) and
 * dropped; nothing a node sends can stop ingest.
 *
 * <p>{@link #accept} is called on the MQTT client's thread and blocks only when the queue is full,
 * which holds the broker back instead of losing messages.
 */
public final class Ingest implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
  static final int BATCH = 2_000;
  static final int LOGS_PER_MINUTE = 20;

  /** Figures ingest reports (metrics). */
  public interface Listener {
    /** A batch was stored; {@code lagNanos} from the first message's receipt to its commit. */
    void stored(FleetStore.IngestResult result, int messages, long lagNanos);

    /** A message was refused; {@code kind} is {@code topic} or a lower-case protocol reason. */
    void refused(String kind);

    Listener NONE =
        new Listener() {
          @Override
          public void stored(FleetStore.IngestResult result, int messages, long lagNanos) {}

          @Override
          public void refused(String kind) {}
        };
  }

  private record Received(String topic, byte[] payload, long receivedNanos) {}

  private final FleetStore store;
  private final WireDecoder decoder;
  private final Clock clock;
  private final Duration staleAfter;
  private final Listener listener;
  private final BlockingQueue<Received> queue;
  private final Thread writer;
  private final AtomicLong refusedTotal = new AtomicLong();
  private volatile boolean running = true;
  private long logWindowStart;
  private int logsInWindow;

  public Ingest(
      FleetStore store,
      WireDecoder decoder,
      Clock clock,
      Duration staleAfter,
      int queueCapacity,
      Listener listener) {
    this.store = Objects.requireNonNull(store, "store");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.writer = new Thread(this::drain, "flotilla-ingest");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Queues a message from a node; blocks while the queue is full. */
  public void accept(String topic, byte[] payload) {
    try {
      queue.put(new Received(topic, payload, System.nanoTime()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Messages refused since start. */
  public long refusedTotal() {
    return refusedTotal.get();
  }

  private void drain() {
    List<Received> batch = new ArrayList<>(BATCH);
    while (running) {
      try {
        Received first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        store(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A store failure loses this batch's messages; the nodes' next status repairs the view
        // and their outboxes keep events until acknowledged, so log loudly and carry on.
        LOG.error("ingest.store-failed messages={} reason={}", batch.size(), e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void store(List<Received> batch) {
    List<StatusUpdate> statuses = new ArrayList<>();
    List<PresenceUpdate> presences = new ArrayList<>();
    List<FleetEvent> events = new ArrayList<>();
    Instant now = clock.instant();
    for (Received r : batch) {
      decode(r, now, statuses, presences, events);
    }
    if (statuses.isEmpty() && presences.isEmpty() && events.isEmpty()) {
      return;
    }
    FleetStore.IngestResult result = store.ingest(statuses, presences, events, now, staleAfter);
    listener.stored(result, batch.size(), System.nanoTime() - batch.get(0).receivedNanos());
  }

  private void decode(
      Received r,
      Instant now,
      List<StatusUpdate> statuses,
      List<PresenceUpdate> presences,
      List<FleetEvent> events) {
    Topics.Topic topic;
    try {
      topic = Topics.parse(r.topic());
    } catch (ProtocolException e) {
      refuse("-", r.topic(), "topic", e.getMessage());
      return;
    }
    NodeId node = topic.node();
    try {
      switch (topic.kind()) {
        case STATUS -> {
          NodeStatus s = decoder.nodeStatus(r.payload());
          checkNode(node, s.getNodeId());
          statuses.add(status(node, s));
        }
        case EVENTS -> {
          EventBatch b = decoder.eventBatch(r.payload());
          checkNode(node, b.getNodeId());
          for (Event e : b.getEventsList()) {
            events.add(event(node, e, now));
          }
          if (b.getDroppedTotal() > 0) {
            LOG.warn("ingest.node-dropped-events node={} total={}", node, b.getDroppedTotal());
          }
        }
        case PRESENCE -> {
          if (r.payload().length == 0) {
            return; // a cleared retained presence (a deleted node)
          }
          dev.flotilla.protocol.v1.Presence p = decoder.presence(r.payload());
          checkNode(node, p.getNodeId());
          Presence presence =
              switch (p.getState()) {
                case ONLINE -> Presence.ONLINE;
                case OFFLINE -> Presence.OFFLINE;
                default ->
                    throw new ProtocolException(
                        ProtocolException.Reason.INVALID_FIELD, "state: must be ONLINE or OFFLINE");
              };
          presences.add(new PresenceUpdate(node, presence, p.getAgentVersion(), p.getBootId()));
        }
        default -> refuse(node.value(), r.topic(), "topic", "not a topic the controller reads");
      }
    } catch (ProtocolException e) {
      refuse(
          node.value(),
          r.topic(),
          e.reason().name().toLowerCase(java.util.Locale.ROOT),
          e.getMessage());
    }
  }

  private static void checkNode(NodeId topicNode, String payloadNode) throws ProtocolException {
    if (!topicNode.value().equals(payloadNode)) {
      throw new ProtocolException(
          ProtocolException.Reason.WRONG_NODE,
          "node_id: '" + shorten(payloadNode) + "' does not match the topic's node " + topicNode);
    }
  }

  private static StatusUpdate status(NodeId node, NodeStatus s) {
    ResourceUsage u = s.getNodeUsage();
    @Nullable List<WorkloadObservation> workloads = null;
    if (s.getKind() != NodeStatus.Kind.SUMMARY) {
      workloads = new ArrayList<>();
      for (WorkloadStatus w : s.getWorkloadsList()) {
        workloads.add(
            new WorkloadObservation(
                w.getName(),
                w.getRevision(),
                w.getState().name(),
                w.getHealth().name(),
                w.getRestartCount(),
                w.getMessage(),
                w.hasSince()
                    ? Instant.ofEpochSecond(w.getSince().getSeconds(), w.getSince().getNanos())
                    : null));
      }
    }
    return new StatusUpdate(
        node,
        s.getSequence(),
        s.getObservedGeneration(),
        new Node.Usage(
            u.getCpuMillis(), u.getMemoryBytes(), u.getMemoryLimitBytes(), u.getDiskFreeBytes()),
        workloads);
  }

  private static FleetEvent event(NodeId node, Event e, Instant now) {
    Instant at =
        e.hasAt() ? Instant.ofEpochSecond(e.getAt().getSeconds(), e.getAt().getNanos()) : now;
    return new FleetEvent(
        node.value(),
        e.getSequence(),
        0,
        at,
        now,
        e.getSeverity() == Event.Severity.SEVERITY_UNSPECIFIED ? "INFO" : e.getSeverity().name(),
        e.getType(),
        e.getWorkload(),
        e.getGeneration(),
        e.getMessage(),
        new TreeMap<>(e.getAttributesMap()));
  }

  private void refuse(String node, String topic, String kind, String reason) {
    refusedTotal.incrementAndGet();
    listener.refused(kind);
    long nowMs = clock.millis();
    if (nowMs - logWindowStart > 60_000) {
      logWindowStart = nowMs;
      logsInWindow = 0;
    }
    if (++logsInWindow <= LOGS_PER_MINUTE) {
      LOG.warn(
          "ingest.refused node={} topic={} kind={} reason={}",
          shorten(node),
          shorten(topic),
          kind,
          reason);
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }

  /** Stops the writer after the batch in hand; queued messages are dropped (nodes resend). */
  @Override
  public void close() {
    running = false;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
