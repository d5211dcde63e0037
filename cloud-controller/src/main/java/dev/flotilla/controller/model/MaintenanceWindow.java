package dev.flotilla.controller.model;

import dev.flotilla.controller.fleet.LabelSelector;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A recurring window in which nodes may replace a running revision of a deployment: the manifest's
 * {@code spec.maintenanceWindows[]}. The desired state carries the windows that apply to the node,
 * and the agent holds an update until one is open, even while offline.
 *
 * @param start opening time, minutes precision
 * @param end closing time; not after {@code start}: the window runs past midnight
 * @param zone the time zone of start and end; null: the node's own local time
 * @param days days on which it opens (in its zone); empty: every day
 * @param nodeSelector the nodes it applies to; {@link LabelSelector#EVERYTHING} for all
 */
public record MaintenanceWindow(
    LocalTime start,
    LocalTime end,
    @Nullable ZoneId zone,
    Set<DayOfWeek> days,
    LabelSelector nodeSelector) {
  public MaintenanceWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.equals(end)) {
      throw new IllegalArgumentException("a window must not start and end at the same time");
    }
    days =
        Collections.unmodifiableSet(
            days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days));
    Objects.requireNonNull(nodeSelector, "nodeSelector");
  }
}
