package dev.flotilla.controller.rollout;

import java.util.Collection;

/**
 * A rollout's progress as counts of its targeted nodes by {@link NodeCondition}.
 *
 * @param targeted every node the deployment is placed on
 * @param pending not released yet
 * @param unreachable released and unreachable
 */
public record Counts(
    int targeted,
    int pending,
    int updating,
    int waiting,
    int updated,
    int failed,
    int unreachable) {
  public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0);

  /** The counts of {@code conditions}, one per targeted node. */
  public static Counts of(Collection<NodeCondition> conditions) {
    int[] by = new int[NodeCondition.values().length];
    for (NodeCondition c : conditions) {
      by[c.ordinal()]++;
    }
    return new Counts(
        conditions.size(),
        by[NodeCondition.PENDING.ordinal()],
        by[NodeCondition.UPDATING.ordinal()],
        by[NodeCondition.WAITING.ordinal()],
        by[NodeCondition.UPDATED.ordinal()],
        by[NodeCondition.FAILED.ordinal()],
        by[NodeCondition.UNREACHABLE.ordinal()]);
  }

  /** Released so far, whatever became of them. */
  public int released() {
    return targeted - pending;
  }

  public int of(NodeCondition c) {
    return switch (c) {
      case PENDING -> pending;
      case UPDATING -> updating;
      case WAITING -> waiting;
      case UPDATED -> updated;
      case FAILED -> failed;
      case UNREACHABLE -> unreachable;
    };
  }
}
