package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.store.AgentStore.OutboxEvent;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.EventBatch;
import java.util.List;

/** Maps the agent's events to wire messages. Pure. */
final class WireEncoding {
  private WireEncoding() {}

  static EventBatch eventBatch(String node, List<OutboxEvent> events, long droppedTotal) {
    EventBatch.Builder batch =
        EventBatch.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId(node)
            .setDroppedTotal(droppedTotal);
    for (OutboxEvent e : events) {
      AgentEvent ev = e.event();
      batch.addEvents(
          Event.newBuilder()
              .setSequence(e.sequence())
              .setAt(Timestamps.of(ev.at()))
              .setSeverity(
                  switch (ev.severity()) {
                    case INFO -> Event.Severity.INFO;
                    case WARNING -> Event.Severity.WARNING;
                    case ERROR -> Event.Severity.ERROR;
                  })
              .setType(ev.type())
              .setWorkload(ev.workload())
              .setGeneration(ev.generation())
              .setMessage(ev.message())
              .putAllAttributes(ev.attributes()));
    }
    return batch.build();
  }
}
