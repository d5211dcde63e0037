package dev.flotilla.agent.store;

import dev.flotilla.agent.model.AgentEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's durable state: the last verified desired state, restart back-off per workload,
 * blue-green updates in progress or given up, the last reported status, and the outbox of events
 * waiting for the controller. Each method is one transaction: after a crash at any moment the store
 * holds either all of a call's effect or none of it. Thread-safe. Never touches the network.
 */
public interface AgentStore extends AutoCloseable {

  /** The last verified desired state, if the agent ever had one. */
  Optional<StoredDesired> desired();

  /** Replaces the stored desired state. */
  void saveDesired(StoredDesired desired);

  /** Back-off state of every workload that has one. */
  Map<String, RestartState> restartStates();

  void saveRestartState(String workload, RestartState state);

  void clearRestartState(String workload);

  /** The blue-green update of every workload that has one in progress or given up. */
  Map<String, BlueGreenState> blueGreenStates();

  /** Stores the blue-green state of {@code workload}, replacing any. */
  void saveBlueGreenState(String workload, BlueGreenState state);

  void clearBlueGreenState(String workload);

  /**
   * Appends an event to the outbox and gives it the next event sequence number (per node, strictly
   * increasing, never reused, surviving restarts). When the outbox is over its limits (count or
   * bytes) the oldest events are deleted and counted in {@link #droppedEvents()}, in the same
   * transaction.
   *
   * @return the sequence number given to the event
   */
  long appendEvent(AgentEvent event);

  /** Up to {@code max} events still in the outbox, oldest (lowest sequence) first. */
  List<OutboxEvent> pendingEvents(int max);

  /** Deletes every outbox event with a sequence up to and including {@code sequence}. */
  void ackEventsThrough(long sequence);

  /** Events dropped because the outbox was full, since the store was created. */
  long droppedEvents();

  /** Count and total size of the events in the outbox. */
  OutboxSize outboxSize();

  /** Takes the next status sequence number (strictly increasing, surviving restarts). */
  long nextStatusSequence();

  /** The last status the agent reported (encoded), to report only on change. */
  Optional<byte[]> lastStatus();

  void saveLastStatus(byte[] status);

  @Override
  void close();

  /**
   * @param generation the verified generation
   * @param signedWire the {@code SignedDesiredState} bytes exactly as received, so that the state
   *     can be verified again after a restart
   */
  record StoredDesired(long generation, byte[] signedWire) {
    public StoredDesired {
      Objects.requireNonNull(signedWire, "signedWire");
    }
  }

  /**
   * @param failures consecutive failures (exits or failed health) since the workload last ran
   *     healthy long enough
   * @param notBefore do not restart before this instant
   */
  record RestartState(int failures, Instant notBefore) {
    public RestartState {
      Objects.requireNonNull(notBefore, "notBefore");
    }
  }

  /**
   * A blue-green update of one workload: the new revision running beside the old one, or given up.
   *
   * @param specHash the new spec's hash: the state is about this spec only
   * @param revision the new revision, for messages
   * @param startedAt when the new container was first created beside the old one; the give-up clock
   *     runs from here
   * @param failures exits of the new container so far
   * @param notBefore do not restart the new container before this instant
   * @param abandonedAt when the node gave up on the new revision and fell back to the old one;
   *     empty while the update is in progress
   * @param reason why it fell back, a sentence for status and events; empty while in progress
   */
  record BlueGreenState(
      String specHash,
      String revision,
      Instant startedAt,
      int failures,
      Instant notBefore,
      Optional<Instant> abandonedAt,
      String reason) {
    public BlueGreenState {
      Objects.requireNonNull(specHash, "specHash");
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(notBefore, "notBefore");
      Objects.requireNonNull(abandonedAt, "abandonedAt");
      Objects.requireNonNull(reason, "reason");
    }

    /** A blue-green update that begins now. */
    public static BlueGreenState begin(String specHash, String revision, Instant now) {
      return new BlueGreenState(specHash, revision, now, 0, now, Optional.empty(), "");
    }

    public boolean abandoned() {
      return abandonedAt.isPresent();
    }

    /** One more exit of the new container; it may start again at {@code notBefore}. */
    public BlueGreenState failed(Instant next) {
      return new BlueGreenState(
          specHash, revision, startedAt, failures + 1, next, abandonedAt, reason);
    }

    /** Given up at {@code at}, for {@code why}. */
    public BlueGreenState abandon(Instant at, String why) {
      return new BlueGreenState(
          specHash, revision, startedAt, failures, notBefore, Optional.of(at), why);
    }
  }

  /**
   * @param sequence the event's per-node sequence number
   * @param event the event
   */
  record OutboxEvent(long sequence, AgentEvent event) {}

  /**
   * @param events how many events wait in the outbox
   * @param bytes their stored size
   */
  record OutboxSize(long events, long bytes) {}

  /**
   * Bounds of the outbox.
   *
   * @param maxEvents default 100,000
   * @param maxBytes default 64 MiB
   */
  record OutboxLimits(long maxEvents, long maxBytes) {
    public static final OutboxLimits DEFAULT = new OutboxLimits(100_000, 64L << 20);

    public OutboxLimits {
      if (maxEvents < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("outbox limits must be positive");
      }
    }
  }
}
