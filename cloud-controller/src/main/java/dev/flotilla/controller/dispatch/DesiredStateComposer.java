package dev.flotilla.controller.dispatch;

import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.protocol.DesiredStateRules;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.v1.DayOfWeek;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.Resources;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.TcpCheck;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns the workloads placed on a node into the node's full desired state. Pure.
 *
 * <p>Workloads are added in the order given (the oldest deployment first). One that cannot sit
 * beside those before it on the same node (a host port already bound) is left out and reported, so
 * one conflicting deployment never blocks a node's whole desired state.
 */
public final class DesiredStateComposer {
  private DesiredStateComposer() {}

  /** A workload left out of a node's desired state, with the rule it broke. */
  public record Refusal(String deployment, String reason) {}

  /**
   * @param state the desired state with generation 0 and no issue time; the dispatcher stamps both
   * @param contentHash SHA-256 (hex) of {@code state}: equal hashes mean nothing changed
   * @param included the workloads in it
   */
  public record Composition(
      DesiredState state,
      String contentHash,
      List<PlacedWorkload> included,
      List<Refusal> refusals) {}

  public static Composition compose(NodeId node, List<PlacedWorkload> placed) {
    List<Workload> accepted = new ArrayList<>();
    List<PlacedWorkload> included = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>();
    for (PlacedWorkload p : placed) {
      Workload w = toWire(p);
      List<Workload> candidate = new ArrayList<>(accepted);
      candidate.add(w);
      try {
        // The rules ask for a generation of at least 1; the real one is stamped later.
        DesiredStateRules.check(state(node, candidate).toBuilder().setGeneration(1).build());
        accepted.add(w);
        included.add(p);
      } catch (ProtocolException e) {
        refusals.add(new Refusal(p.deployment(), e.getMessage()));
      }
    }
    DesiredState state = state(node, accepted);
    return new Composition(state, hash(state), List.copyOf(included), List.copyOf(refusals));
  }

  private static DesiredState state(NodeId node, List<Workload> workloads) {
    return DesiredState.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(node.value())
        .addAllWorkloads(workloads)
        .build();
  }

  private static String hash(DesiredState state) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(state.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** SHA-256 (hex) of a template, which decides whether a deployment change is a new revision. */
  public static String templateHash(WorkloadTemplate template) {
    Workload w = toWire(new PlacedWorkload("x", 0, template));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(w.toByteArray());
      return HexFormat.of().formatHex(sha.digest("template".getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** The wire form of one placed workload. */
  public static Workload toWire(PlacedWorkload placed) {
    WorkloadTemplate t = placed.template();
    Workload.Builder w =
        Workload.newBuilder()
            .setName(placed.deployment())
            .setImage(t.image())
            .setRevision(Integer.toString(placed.revision()))
            .addAllCommand(t.command())
            .addAllArgs(t.args())
            .putAllEnv(t.env());
    for (WorkloadTemplate.Port p : t.ports()) {
      w.addPorts(
          PortMapping.newBuilder()
              .setContainerPort(p.containerPort())
              .setHostPort(p.hostPort())
              .setTransport(
                  p.transport() == WorkloadTemplate.Transport.UDP
                      ? PortMapping.Transport.UDP
                      : PortMapping.Transport.TCP)
              .setHostIp(p.hostIp()));
    }
    for (WorkloadTemplate.Volume v : t.volumes()) {
      w.addVolumes(
          VolumeMount.newBuilder()
              .setSource(v.source())
              .setTarget(v.target())
              .setReadOnly(v.readOnly()));
    }
    if (!t.limits().equals(WorkloadTemplate.Resources.NONE)) {
      w.setLimits(resources(t.limits()));
    }
    if (!t.requests().equals(WorkloadTemplate.Resources.NONE)) {
      w.setRequests(resources(t.requests()));
    }
    WorkloadTemplate.Probe probe = t.probe();
    if (probe != null) {
      HealthProbe.Builder h =
          HealthProbe.newBuilder()
              .setInitialDelaySeconds(probe.initialDelaySeconds())
              .setPeriodSeconds(probe.periodSeconds())
              .setTimeoutSeconds(probe.timeoutSeconds())
              .setFailureThreshold(probe.failureThreshold());
      switch (probe.kind()) {
        case HTTP -> h.setHttp(HttpCheck.newBuilder().setPort(probe.port()).setPath(probe.path()));
        case TCP -> h.setTcp(TcpCheck.newBuilder().setPort(probe.port()));
        case EXEC -> h.setExec(ExecCheck.newBuilder().addAllCommand(probe.command()));
      }
      w.setHealth(h);
    }
    WorkloadTemplate.Restart r = t.restart();
    w.setRestartPolicy(
        RestartPolicy.newBuilder()
            .setMode(
                switch (r.mode()) {
                  case ALWAYS -> RestartPolicy.Mode.ALWAYS;
                  case ON_FAILURE -> RestartPolicy.Mode.ON_FAILURE;
                  case NEVER -> RestartPolicy.Mode.NEVER;
                })
            .setInitialBackoffMs((int) Math.min(Integer.MAX_VALUE, r.initialBackoffMs()))
            .setMaxBackoffMs((int) Math.min(Integer.MAX_VALUE, r.maxBackoffMs())));
    if (!placed.update().equals(PlacedWorkload.NodeUpdatePolicy.REPLACE)) {
      w.setUpdate(update(placed.update()));
    }
    return w.build();
  }

  private static UpdatePolicy update(PlacedWorkload.NodeUpdatePolicy p) {
    UpdatePolicy.Builder u = UpdatePolicy.newBuilder();
    if (p.mode() == RolloutStrategy.NodeUpdate.BLUE_GREEN) {
      u.setMode(UpdatePolicy.Mode.BLUE_GREEN)
          .setSwitchAfterSeconds((int) p.blueGreen().switchAfter().toSeconds())
          .setGiveUpAfterSeconds((int) p.blueGreen().giveUpAfter().toSeconds());
    } else {
      u.setMode(UpdatePolicy.Mode.REPLACE);
    }
    for (MaintenanceWindow mw : p.windows()) {
      dev.flotilla.protocol.v1.MaintenanceWindow.Builder b =
          dev.flotilla.protocol.v1.MaintenanceWindow.newBuilder()
              .setStart(HH_MM.format(mw.start()))
              .setEnd(HH_MM.format(mw.end()))
              .setTimeZone(mw.zone() == null ? "" : mw.zone().getId());
      // An EnumSet iterates Monday to Sunday, so the same days always make the same bytes.
      for (java.time.DayOfWeek day : mw.days()) {
        b.addDays(DayOfWeek.forNumber(day.getValue()));
      }
      u.addWindows(b);
    }
    return u.build();
  }

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private static Resources resources(WorkloadTemplate.Resources r) {
    return Resources.newBuilder()
        .setCpuMillis(r.cpuMillis())
        .setMemoryBytes(r.memoryBytes())
        .build();
  }
}
