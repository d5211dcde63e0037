package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;

/** Where the agent's events go: durably into the outbox, then to the controller. */
@FunctionalInterface
public interface EventSink {
  void emit(AgentEvent event);
}
