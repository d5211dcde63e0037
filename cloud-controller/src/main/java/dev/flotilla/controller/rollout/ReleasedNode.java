package dev.flotilla.controller.rollout;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A node a rollout has released the new revision to.
 *
 * @param failedAt when the rollout counted it failed; null while it has not. Failure is sticky for
 *     the rollout: a crash-looping container that is briefly running again does not un-fail it
 * @param failure why it failed; empty while it has not
 */
public record ReleasedNode(Instant releasedAt, @Nullable Instant failedAt, String failure) {
  public ReleasedNode {
    Objects.requireNonNull(releasedAt, "releasedAt");
    Objects.requireNonNull(failure, "failure");
  }

  public boolean failed() {
    return failedAt != null;
  }
}
