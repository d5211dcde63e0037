package dev.flotilla.simulator.fleet;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.store.AgentStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A virtual node's store as the agent core sees it, counting the events the core appends to its
 * outbox: what the node emitted, for the run's lost-events figure. Every call goes to the real
 * store underneath unchanged. It is the node's disk: it outlives the agents made over it (a crash
 * or a reboot makes a new core over the same store), and the fleet closes it.
 */
final class RecordingStore implements AgentStore {
  private final AgentStore store;
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong lastSequence = new AtomicLong();

  RecordingStore(AgentStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Events the cores appended over this store. */
  long appended() {
    return appended.get();
  }

  /** The highest outbox sequence an append returned; 0 before the first. */
  long lastSequence() {
    return lastSequence.get();
  }

  /** Whether the outbox is empty: everything appended was acknowledged by the broker. */
  boolean drained() {
    return store.pendingEvents(1).isEmpty();
  }

  @Override
  public long appendEvent(AgentEvent event) {
    long sequence = store.appendEvent(event);
    appended.incrementAndGet();
    lastSequence.accumulateAndGet(sequence, Math::max);
    return sequence;
  }

  @Override
  public Optional<StoredDesired> desired() {
    return store.desired();
  }

  @Override
  public void saveDesired(StoredDesired desired) {
    store.saveDesired(desired);
  }

  @Override
  public Map<String, RestartState> restartStates() {
    return store.restartStates();
  }

  @Override
  public void saveRestartState(String workload, RestartState state) {
    store.saveRestartState(workload, state);
  }

  @Override
  public void clearRestartState(String workload) {
    store.clearRestartState(workload);
  }

  @Override
  public Map<String, BlueGreenState> blueGreenStates() {
    return store.blueGreenStates();
  }

  @Override
  public void saveBlueGreenState(String workload, BlueGreenState state) {
    store.saveBlueGreenState(workload, state);
  }

  @Override
  public void clearBlueGreenState(String workload) {
    store.clearBlueGreenState(workload);
  }

  @Override
  public List<OutboxEvent> pendingEvents(int max) {
    return store.pendingEvents(max);
  }

  @Override
  public void ackEventsThrough(long sequence) {
    store.ackEventsThrough(sequence);
  }

  @Override
  public long droppedEvents() {
    return store.droppedEvents();
  }

  @Override
  public OutboxSize outboxSize() {
    return store.outboxSize();
  }

  @Override
  public long nextStatusSequence() {
    return store.nextStatusSequence();
  }

  @Override
  public Optional<byte[]> lastStatus() {
    return store.lastStatus();
  }

  @Override
  public void saveLastStatus(byte[] status) {
    store.saveLastStatus(status);
  }

  /** Closes the store underneath: the node's machine is gone. */
  @Override
  public void close() {
    store.close();
  }
}
