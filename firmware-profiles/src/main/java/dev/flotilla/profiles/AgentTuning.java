package dev.flotilla.profiles;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The edge agent's link and status cadence for a device class: what a profile's {@code agent}
 * section sets, or {@link #defaultsFor its connectivity class} gives.
 *
 * @param keepAlive MQTT keep-alive: how often an idle link sends a ping, and (times 1.5) how long
 *     the broker waits before it counts the node as gone; {@link #KEEP_ALIVE_MIN} to {@link
 *     #KEEP_ALIVE_MAX}
 * @param statusSummaryInterval how often the agent sends its full status summary even when nothing
 *     changed; {@link #STATUS_SUMMARY_MIN} to {@link #STATUS_SUMMARY_MAX}
 * @param willDelay how long the broker waits after a lost link before it publishes the node's death
 *     presence, so a quick reconnect does not flap it; {@link #WILL_DELAY_MIN} to {@link
 *     #WILL_DELAY_MAX}
 * @param reconnectMax the ceiling of the agent's reconnect back-off; {@link #RECONNECT_MAX_MIN} to
 *     {@link #RECONNECT_MAX_MAX}
 */
public record AgentTuning(
    Duration keepAlive, Duration statusSummaryInterval, Duration willDelay, Duration reconnectMax) {

  public static final Duration KEEP_ALIVE_MIN = Duration.ofSeconds(10);

  /** Well inside MQTT's limit of 65535 s; a longer silence hides a dead node for too long. */
  public static final Duration KEEP_ALIVE_MAX = Duration.ofMinutes(20);

  public static final Duration STATUS_SUMMARY_MIN = Duration.ofSeconds(30);
  public static final Duration STATUS_SUMMARY_MAX = Duration.ofHours(24);

  /**
   * One second, not zero: the agent's configuration refuses a zero duration, and a will published
   * at once flaps the node's presence on every brief drop.
   */
  public static final Duration WILL_DELAY_MIN = Duration.ofSeconds(1);

  public static final Duration WILL_DELAY_MAX = Duration.ofHours(1);

  /**
   * Above the agent's first reconnect delay (1 s by default), which the ceiling must not undercut.
   */
  public static final Duration RECONNECT_MAX_MIN = Duration.ofSeconds(10);

  public static final Duration RECONNECT_MAX_MAX = Duration.ofHours(24);

  /**
   * Ethernet and wifi: the edge agent's own defaults. The link costs nothing, so a 60 s keep-alive
   * notices a dead node within 90 s, and a 5 min summary and reconnect ceiling keep the controller
   * current without load.
   */
  public static final AgentTuning LAN =
      new AgentTuning(
          Duration.ofSeconds(60),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofMinutes(5));

  /**
   * Cellular. Data is billed by the byte, so the cadence is slower everywhere, but the keep-alive
   * must stay under the carrier's NAT idle time-out: many carriers drop an idle TCP mapping after 2
   * to 5 minutes, and a dropped mapping kills the link silently until the next publish fails. 240 s
   * keeps the mapping alive on most networks at four pings an hour (about 2 MB a month with TCP/IP
   * overhead, against 9 MB at 60 s); an operator on a stricter carrier lowers it in the profile.
   * The 2 min will delay rides out cell hand-overs and modem re-attaches without flapping presence;
   * the 15 min reconnect ceiling keeps a node in a dead zone from spending its data plan on
   * retries. The summary stays at 5 min (a few hundred bytes each): the controller marks a node
   * unreachable after {@code flotilla.nodes.stale-after}, 15 min or three summaries, and a slower
   * summary would make healthy cellular nodes look unreachable.
   */
  public static final AgentTuning CELLULAR =
      new AgentTuning(
          Duration.ofSeconds(240),
          Duration.ofMinutes(5),
          Duration.ofSeconds(120),
          Duration.ofMinutes(15));

  public AgentTuning {
    check("keepAlive", keepAlive, KEEP_ALIVE_MIN, KEEP_ALIVE_MAX);
    check("statusSummaryInterval", statusSummaryInterval, STATUS_SUMMARY_MIN, STATUS_SUMMARY_MAX);
    check("willDelay", willDelay, WILL_DELAY_MIN, WILL_DELAY_MAX);
    check("reconnectMax", reconnectMax, RECONNECT_MAX_MIN, RECONNECT_MAX_MAX);
  }

  /** The tuning a profile gets for the values its {@code agent} section leaves out. */
  public static AgentTuning defaultsFor(Connectivity connectivity) {
    return switch (connectivity) {
      case ETHERNET, WIFI -> LAN;
      case CELLULAR -> CELLULAR;
    };
  }

  /**
   * The edge agent's configuration keys for these values: {@code link.keep-alive}, {@code
   * status.summary-interval}, {@code link.will-delay}, {@code link.reconnect-max}, each written in
   * one unit as {@link Quantities#formatDuration} does ({@code 30s}, {@code 1m}, {@code 5m}, {@code
   * 1500ms}), which the agent's ms/s/m/h/d notation reads back exactly.
   */
  public SortedMap<String, String> agentSettings() {
    SortedMap<String, String> out = new TreeMap<>();
    out.put("link.keep-alive", Quantities.formatDuration(keepAlive.toMillis()));
    out.put("status.summary-interval", Quantities.formatDuration(statusSummaryInterval.toMillis()));
    out.put("link.will-delay", Quantities.formatDuration(willDelay.toMillis()));
    out.put("link.reconnect-max", Quantities.formatDuration(reconnectMax.toMillis()));
    return Collections.unmodifiableSortedMap(out);
  }

  private static void check(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name
              + " must be from "
              + Quantities.formatDuration(min.toMillis())
              + " to "
              + Quantities.formatDuration(max.toMillis())
              + ", was "
              + value);
    }
  }
}
