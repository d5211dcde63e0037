package dev.flotilla.protocol;

import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.DayOfWeek;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.MaintenanceWindow;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content rules a desired state must meet. {@link DesiredStateSigner} refuses to sign a state
 * that breaks them and {@link DesiredStateVerifier} refuses to return one, so an agent never
 * applies such a state and keeps its last good one. Each refusal names the field, e.g. {@code
 * workloads[1].ports[0].container_port}. Pure.
 */
public final class DesiredStateRules {
  /** The restart back-off an agent uses when {@code initial_backoff_ms} is 0. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 1_000;

  /** The back-off ceiling an agent uses when {@code max_backoff_ms} is 0. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 300_000;

  /** How long a BLUE_GREEN revision has to become healthy when {@code give_up_after} is 0. */
  public static final long DEFAULT_GIVE_UP_AFTER_SECONDS = 300;

  /** The longest {@code switch_after_seconds}: an hour. */
  public static final long MAX_SWITCH_AFTER_SECONDS = 3_600;

  /** The longest {@code give_up_after_seconds}: a day. */
  public static final long MAX_GIVE_UP_AFTER_SECONDS = 86_400;

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private DesiredStateRules() {}

  /** One published host port, for the clash check. */
  private record Binding(String hostIp, int port, PortMapping.Transport transport) {
    boolean wildcard() {
      return hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::");
    }

    boolean clashesWith(Binding other) {
      return port == other.port
          && transport == other.transport
          && (hostIp.equals(other.hostIp) || wildcard() || other.wildcard());
    }
  }

  /**
   * @throws ProtocolException {@link Reason#INVALID_FIELD} naming the first field at fault
   */
  public static void check(DesiredState state) throws ProtocolException {
    if (state.getGeneration() == 0) {
      throw invalid("generation", "must be 1 or more, was 0");
    }
    Set<String> names = new HashSet<>();
    List<Binding> bindings = new ArrayList<>();
    for (int i = 0; i < state.getWorkloadsCount(); i++) {
      Workload w = state.getWorkloads(i);
      String at = "workloads[" + i + "]";
      if (!DnsLabel.isValid(w.getName())) {
        throw invalid(at + ".name", "'" + w.getName() + "' is invalid: " + DnsLabel.RULE);
      }
      if (!names.add(w.getName())) {
        throw invalid(at + ".name", "'" + w.getName() + "' is used by an earlier workload");
      }
      if (w.getImage().isBlank() || w.getImage().chars().anyMatch(Character::isWhitespace)) {
        throw invalid(at + ".image", "must be a non-empty image reference without spaces");
      }
      for (Map.Entry<String, String> env : w.getEnvMap().entrySet()) {
        if (env.getKey().isEmpty() || env.getKey().contains("=")) {
          throw invalid(at + ".env", "key '" + env.getKey() + "' must be non-empty without '='");
        }
      }
      for (int p = 0; p < w.getPortsCount(); p++) {
        checkPort(w.getPorts(p), at + ".ports[" + p + "]", bindings);
      }
      for (int v = 0; v < w.getVolumesCount(); v++) {
        checkVolume(w.getVolumes(v), at + ".volumes[" + v + "]");
      }
      if (w.hasHealth()) {
        checkProbe(w.getHealth(), at + ".health");
      }
      if (w.hasRestartPolicy()) {
        checkRestart(w.getRestartPolicy(), at + ".restart_policy");
      }
      if (w.hasUpdate()) {
        checkUpdate(w, at);
      }
    }
  }

  private static void checkPort(PortMapping port, String at, List<Binding> bindings)
      throws ProtocolException {
    int container = port.getContainerPort();
    if (container < 1 || container > 65535) {
      throw invalid(at + ".container_port", "must be 1..65535, was " + container);
    }
    int host = port.getHostPort() == 0 ? container : port.getHostPort();
    if (host > 65535) {
      throw invalid(at + ".host_port", "must be 0..65535, was " + port.getHostPort());
    }
    if (port.getTransport() == PortMapping.Transport.UNRECOGNIZED) {
      throw invalid(at + ".transport", "is not a known transport (TCP or UDP)");
    }
    String ip = port.getHostIp();
    if (!ip.isEmpty()
        && !IPV4.matcher(ip).matches()
        && !(ip.contains(":") && IPV6.matcher(ip).matches())) {
      throw invalid(
          at + ".host_ip", "must be empty (all interfaces) or an IP address, was '" + ip + "'");
    }
    PortMapping.Transport transport =
        port.getTransport() == PortMapping.Transport.UDP
            ? PortMapping.Transport.UDP
            : PortMapping.Transport.TCP;
    Binding binding = new Binding(ip, host, transport);
    for (Binding earlier : bindings) {
      if (binding.clashesWith(earlier)) {
        throw invalid(
            at + ".host_port",
            host
                + "/"
                + transport.name().toLowerCase(java.util.Locale.ROOT)
                + " on '"
                + (ip.isEmpty() ? "all interfaces" : ip)
                + "' clashes with a port already published on this node");
      }
    }
    bindings.add(binding);
  }

  private static void checkVolume(VolumeMount volume, String at) throws ProtocolException {
    if (volume.getSource().isBlank()) {
      throw invalid(at + ".source", "must be a host path or a volume name");
    }
    if (!volume.getTarget().startsWith("/")) {
      throw invalid(at + ".target", "must be an absolute path, was '" + volume.getTarget() + "'");
    }
  }

  private static void checkProbe(HealthProbe probe, String at) throws ProtocolException {
    switch (probe.getCheckCase()) {
      case HTTP -> {
        int port = probe.getHttp().getPort();
        if (port < 1 || port > 65535) {
          throw invalid(at + ".http.port", "must be 1..65535, was " + port);
        }
        String path = probe.getHttp().getPath();
        if (!path.isEmpty() && !path.startsWith("/")) {
          throw invalid(at + ".http.path", "must start with '/', was '" + path + "'");
        }
      }
      case TCP -> {
        int port = probe.getTcp().getPort();
        if (port < 1 || port > 65535) {
          throw invalid(at + ".tcp.port", "must be 1..65535, was " + port);
        }
      }
      case EXEC -> {
        if (probe.getExec().getCommandCount() == 0 || probe.getExec().getCommand(0).isBlank()) {
          throw invalid(at + ".exec.command", "must name the command to run");
        }
      }
      case CHECK_NOT_SET -> throw invalid(at, "must set one of http, tcp or exec");
    }
  }

  private static void checkRestart(RestartPolicy policy, String at) throws ProtocolException {
    if (policy.getMode() == RestartPolicy.Mode.UNRECOGNIZED) {
      throw invalid(at + ".mode", "is not a known restart mode");
    }
    long initial = Integer.toUnsignedLong(policy.getInitialBackoffMs());
    long max = Integer.toUnsignedLong(policy.getMaxBackoffMs());
    long effectiveInitial = initial == 0 ? DEFAULT_INITIAL_BACKOFF_MS : initial;
    long effectiveMax = max == 0 ? DEFAULT_MAX_BACKOFF_MS : max;
    if (effectiveMax < effectiveInitial) {
      throw invalid(
          at + (max == 0 ? ".initial_backoff_ms" : ".max_backoff_ms"),
          "makes the back-off ceiling ("
              + effectiveMax
              + " ms) lower than the first back-off ("
              + effectiveInitial
              + " ms); 0 means the default ("
              + DEFAULT_INITIAL_BACKOFF_MS
              + " ms first, "
              + DEFAULT_MAX_BACKOFF_MS
              + " ms ceiling)");
    }
  }

  private static void checkUpdate(Workload w, String workloadAt) throws ProtocolException {
    UpdatePolicy update = w.getUpdate();
    String at = workloadAt + ".update";
    if (update.getMode() == UpdatePolicy.Mode.UNRECOGNIZED) {
      throw invalid(at + ".mode", "is not a known update mode (REPLACE or BLUE_GREEN)");
    }
    long switchAfter = Integer.toUnsignedLong(update.getSwitchAfterSeconds());
    if (switchAfter > MAX_SWITCH_AFTER_SECONDS) {
      throw invalid(
          at + ".switch_after_seconds",
          "must be 0.." + MAX_SWITCH_AFTER_SECONDS + " (an hour), was " + switchAfter);
    }
    long giveUpAfter = Integer.toUnsignedLong(update.getGiveUpAfterSeconds());
    if (giveUpAfter > MAX_GIVE_UP_AFTER_SECONDS) {
      throw invalid(
          at + ".give_up_after_seconds",
          "must be 0.."
              + MAX_GIVE_UP_AFTER_SECONDS
              + " (a day; 0: the default, "
              + DEFAULT_GIVE_UP_AFTER_SECONDS
              + "), was "
              + giveUpAfter);
    }
    if (update.getMode() == UpdatePolicy.Mode.BLUE_GREEN) {
      if (w.getPortsCount() > 0) {
        PortMapping p = w.getPorts(0);
        throw invalid(
            at + ".mode",
            "BLUE_GREEN runs the old and the new revision side by side, so the workload must not"
                + " publish host ports, but "
                + workloadAt
                + ".ports[0] publishes "
                + (p.getHostPort() == 0 ? p.getContainerPort() : p.getHostPort())
                + "; use REPLACE");
      }
      if (w.hasHealth() && w.getHealth().getCheckCase() != HealthProbe.CheckCase.EXEC) {
        throw invalid(
            at + ".mode",
            "BLUE_GREEN needs an exec probe or none: "
                + workloadAt
                + ".health is an http or tcp probe, which reaches the workload through a"
                + " published host port, and BLUE_GREEN publishes none");
      }
    }
    if (update.getWindowsCount() > MaintenanceWindows.MAX_WINDOWS) {
      throw invalid(
          at + ".windows",
          "has "
              + update.getWindowsCount()
              + " windows; at most "
              + MaintenanceWindows.MAX_WINDOWS
              + " are allowed");
    }
    for (int i = 0; i < update.getWindowsCount(); i++) {
      checkWindow(update.getWindows(i), at + ".windows[" + i + "]");
    }
  }

  private static void checkWindow(MaintenanceWindow window, String at) throws ProtocolException {
    LocalTime start =
        MaintenanceWindows.parseTime(window.getStart())
            .orElseThrow(
                () ->
                    invalid(
                        at + ".start",
                        "must be HH:MM on the 24-hour clock (00:00..23:59), was '"
                            + window.getStart()
                            + "'"));
    LocalTime end =
        MaintenanceWindows.parseTime(window.getEnd())
            .orElseThrow(
                () ->
                    invalid(
                        at + ".end",
                        "must be HH:MM on the 24-hour clock (00:00..23:59), was '"
                            + window.getEnd()
                            + "'"));
    if (start.equals(end)) {
      throw invalid(
          at + ".end",
          "equals start ("
              + window.getStart()
              + "): a window must not start and end at the same time (an end before the start"
              + " runs past midnight)");
    }
    String zone = window.getTimeZone();
    if (!zone.isEmpty() && MaintenanceWindows.parseZone(zone).isEmpty()) {
      throw invalid(
          at + ".time_zone",
          "'"
              + zone
              + "' is not a known IANA time zone id (e.g. Europe/Berlin); empty means the node's"
              + " own zone");
    }
    EnumSet<java.time.DayOfWeek> seen = EnumSet.noneOf(java.time.DayOfWeek.class);
    for (int d = 0; d < window.getDaysCount(); d++) {
      DayOfWeek day = window.getDays(d);
      String dayAt = at + ".days[" + d + "]";
      java.time.DayOfWeek known =
          MaintenanceWindows.dayOf(day)
              .orElseThrow(
                  () ->
                      invalid(
                          dayAt, "must be one of MONDAY..SUNDAY (an empty list means every day)"));
      if (!seen.add(known)) {
        throw invalid(dayAt, "repeats " + day.name());
      }
    }
  }

  private static ProtocolException invalid(String field, String rule) {
    return new ProtocolException(Reason.INVALID_FIELD, "desired state: " + field + " " + rule);
  }
}
