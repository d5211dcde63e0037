package dev.flotilla.profiles;

import java.util.Objects;

/**
 * One reason a workload does not fit a node.
 *
 * @param constraint what is violated
 * @param message for the operator, with the numbers: {@code needs 500m CPU, 300m free of 3500m
 *     allocatable (3200m placed)}
 */
public record Misfit(Constraint constraint, String message) {
  public Misfit {
    Objects.requireNonNull(constraint, "constraint");
    Objects.requireNonNull(message, "message");
  }
}
