package dev.flotilla.controller.rollout;

import dev.flotilla.controller.model.RolloutStrategy;
import java.util.Objects;

/** A stored rollout with the strategy it follows now (its deployment's). */
public record Rollout(RolloutRecord record, RolloutStrategy strategy) {
  public Rollout {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(strategy, "strategy");
  }
}
