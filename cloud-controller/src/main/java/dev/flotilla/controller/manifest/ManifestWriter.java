package dev.flotilla.controller.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.PlacementSpec.DeploymentAffinity;
import dev.flotilla.controller.model.PlacementSpec.Spread;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.BlueGreen;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Unreachable;
import dev.flotilla.controller.model.RolloutStrategy.Waves;
import dev.flotilla.controller.model.Toleration;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.model.WorkloadTemplate.Port;
import dev.flotilla.controller.model.WorkloadTemplate.Probe;
import dev.flotilla.controller.model.WorkloadTemplate.Resources;
import dev.flotilla.controller.model.WorkloadTemplate.Restart;
import dev.flotilla.controller.model.WorkloadTemplate.Volume;
import dev.flotilla.profiles.Architecture;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a {@link DeploymentManifest} back as a manifest, so the API can show a deployment the way
 * an operator would write it. The form is canonical: the template's defaults are written out (host
 * ports, protocols, probe timings, the restart policy), while placement and strategy hold only what
 * differs from their defaults (a section with nothing but defaults is no section at all; a strategy
 * always names its type), and each amount has one spelling ({@code 500m}, {@code 64Mi}, {@code 5m},
 * {@code 25%}). {@link ManifestReader} reads the result back to an equal manifest. Pure.
 */
public final class ManifestWriter {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ManifestWriter() {}

  /**
   * The manifest as insertion-ordered maps, lists, strings, integers and booleans: {@code
   * apiVersion}, {@code kind}, {@code metadata}, {@code spec}. Fresh and mutable on every call.
   */
  public static Map<String, Object> toDocument(DeploymentManifest manifest) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", manifest.name());
    if (!manifest.labels().isEmpty()) {
      metadata.put("labels", new LinkedHashMap<>(manifest.labels()));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!manifest.selector().isEverything()) {
      spec.put("selector", manifest.selector().toManifest());
    }
    if (!manifest.placement().equals(PlacementSpec.EVERY_NODE)) {
      spec.put("placement", placement(manifest.placement()));
    }
    if (!manifest.strategy().equals(RolloutStrategy.DEFAULT)) {
      spec.put("strategy", strategy(manifest.strategy()));
    }
    if (!manifest.windows().isEmpty()) {
      spec.put(
          "maintenanceWindows",
          new ArrayList<>(manifest.windows().stream().map(ManifestWriter::window).toList()));
    }
    spec.put("template", template(manifest.template()));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", ManifestDecoder.API_VERSION);
    document.put("kind", ManifestDecoder.KIND);
    document.put("metadata", metadata);
    document.put("spec", spec);
    return document;
  }

  /** {@link #toDocument} as text: block-style YAML, or indented JSON. */
  public static String write(DeploymentManifest manifest, ManifestFormat format) {
    Map<String, Object> document = toDocument(manifest);
    return switch (format) {
      case YAML -> {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        yield new Yaml(options).dump(document);
      }
      case JSON -> {
        try {
          yield JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
          // Only maps, lists, strings and numbers go in, which Jackson always writes.
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Only the fields that differ from their default; architectures in enum order. */
  private static Map<String, Object> placement(PlacementSpec p) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (p.replicas() != null) {
      out.put("replicas", p.replicas());
    }
    if (!p.architectures().isEmpty()) {
      out.put(
          "architectures",
          new ArrayList<>(p.architectures().stream().map(Architecture::ociName).toList()));
    }
    if (p.minFirmwareVersion() != null) {
      out.put("minFirmwareVersion", p.minFirmwareVersion().toString());
    }
    if (!p.peripherals().isEmpty()) {
      out.put("peripherals", new LinkedHashMap<>(p.peripherals()));
    }
    if (!p.tolerations().isEmpty()) {
      out.put(
          "tolerations",
          new ArrayList<>(p.tolerations().stream().map(ManifestWriter::toleration).toList()));
    }
    if (!p.affinity().isEmpty()) {
      out.put("affinity", affinities(p.affinity()));
    }
    if (!p.antiAffinity().isEmpty()) {
      out.put("antiAffinity", affinities(p.antiAffinity()));
    }
    if (!p.spread().isEmpty()) {
      out.put("spread", new ArrayList<>(p.spread().stream().map(ManifestWriter::spread).toList()));
    }
    return out;
  }

  /** The operator always; the key and value when not empty, the effect when set. */
  private static Map<String, Object> toleration(Toleration t) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!t.key().isEmpty()) {
      out.put("key", t.key());
    }
    out.put("operator", t.operator().manifestName());
    if (!t.value().isEmpty()) {
      out.put("value", t.value());
    }
    if (t.effect() != null) {
      out.put("effect", t.effect().manifestName());
    }
    return out;
  }

  private static ArrayList<Object> affinities(List<DeploymentAffinity> rules) {
    ArrayList<Object> out = new ArrayList<>();
    for (DeploymentAffinity rule : rules) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("deployment", rule.deployment());
      if (rule.topologyKey() != null) {
        entry.put("topologyKey", rule.topologyKey());
      }
      out.add(entry);
    }
    return out;
  }

  private static Map<String, Object> spread(Spread s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topologyKey", s.topologyKey());
    out.put("maxPerValue", s.maxPerValue());
    return out;
  }

  /**
   * The type always, since it says which other fields apply; the rest only where it differs from
   * {@link RolloutStrategy#DEFAULT}, as for placement, so a strategy reads as what was chosen.
   */
  private static Map<String, Object> strategy(RolloutStrategy s) {
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", s.type().manifestName());
    if (!s.maxUpdating().equals(d.maxUpdating())) {
      out.put("maxUpdating", amount(s.maxUpdating()));
    }
    if (!s.steps().isEmpty()) {
      ArrayList<Object> steps = new ArrayList<>();
      for (CanaryStep step : s.steps()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("percent", step.percent());
        if (!step.pause().none()) {
          entry.put("pause", pause(step.pause()));
        }
        steps.add(entry);
      }
      out.put("steps", steps);
    }
    if (s.waves() != null) {
      out.put("waves", waves(s.waves()));
    }
    if (s.onNode() != d.onNode()) {
      out.put("onNode", s.onNode().manifestName());
    }
    if (!s.blueGreen().equals(d.blueGreen())) {
      Map<String, Object> blueGreen = new LinkedHashMap<>();
      if (!s.blueGreen().switchAfter().equals(BlueGreen.DEFAULT.switchAfter())) {
        blueGreen.put("switchAfter", duration(s.blueGreen().switchAfter()));
      }
      if (!s.blueGreen().giveUpAfter().equals(BlueGreen.DEFAULT.giveUpAfter())) {
        blueGreen.put("giveUpAfter", duration(s.blueGreen().giveUpAfter()));
      }
      out.put("blueGreen", blueGreen);
    }
    if (!s.soak().equals(d.soak())) {
      out.put("soak", duration(s.soak()));
    }
    if (!s.progressDeadline().equals(d.progressDeadline())) {
      out.put("progressDeadline", duration(s.progressDeadline()));
    }
    if (!s.errorThreshold().equals(d.errorThreshold())) {
      out.put("errorThreshold", amount(s.errorThreshold()));
    }
    if (s.onFailure() != d.onFailure()) {
      out.put("onFailure", s.onFailure().manifestName());
    }
    if (!s.unreachable().equals(d.unreachable())) {
      Map<String, Object> unreachable = new LinkedHashMap<>();
      unreachable.put("policy", s.unreachable().waitForQuorum() ? "WaitForQuorum" : "Proceed");
      if (!s.unreachable().quorum().equals(Unreachable.PROCEED.quorum())) {
        unreachable.put("quorum", amount(s.unreachable().quorum()));
      }
      out.put("unreachable", unreachable);
    }
    return out;
  }

  private static Map<String, Object> waves(Waves w) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("labelKey", w.labelKey());
    if (!w.order().isEmpty()) {
      out.put("order", new ArrayList<>(w.order()));
    }
    if (!w.successThreshold().equals(Amount.ALL)) {
      out.put("successThreshold", amount(w.successThreshold()));
    }
    if (!w.pause().none()) {
      out.put("pause", pause(w.pause()));
    }
    return out;
  }

  /** A count as an integer, a share as text: {@code 3} or {@code "10%"}. */
  private static Object amount(Amount a) {
    return a.percent() ? a.toString() : (Object) a.value();
  }

  private static String pause(Pause p) {
    return p.untilResumed() ? ManifestDecoder.UNTIL_RESUMED : duration(p.duration());
  }

  private static String duration(Duration d) {
    return Quantities.formatDuration(d.toMillis());
  }

  /** Start and end always; the zone, days and node selector when set. */
  private static Map<String, Object> window(MaintenanceWindow w) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("start", ManifestDecoder.timeName(w.start()));
    out.put("end", ManifestDecoder.timeName(w.end()));
    if (w.zone() != null) {
      out.put("timeZone", w.zone().getId());
    }
    if (!w.days().isEmpty()) {
      out.put("days", new ArrayList<>(w.days().stream().map(ManifestDecoder::dayName).toList()));
    }
    if (!w.nodeSelector().isEverything()) {
      out.put("nodeSelector", w.nodeSelector().toManifest());
    }
    return out;
  }

  private static Map<String, Object> template(WorkloadTemplate t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("image", t.image());
    if (!t.command().isEmpty()) {
      out.put("command", new ArrayList<>(t.command()));
    }
    if (!t.args().isEmpty()) {
      out.put("args", new ArrayList<>(t.args()));
    }
    if (!t.env().isEmpty()) {
      out.put("env", new LinkedHashMap<>(t.env()));
    }
    if (!t.ports().isEmpty()) {
      out.put("ports", new ArrayList<>(t.ports().stream().map(ManifestWriter::port).toList()));
    }
    if (!t.volumes().isEmpty()) {
      out.put(
          "volumes", new ArrayList<>(t.volumes().stream().map(ManifestWriter::volume).toList()));
    }
    Map<String, Object> resources = new LinkedHashMap<>();
    if (!t.limits().equals(Resources.NONE)) {
      resources.put("limits", amounts(t.limits()));
    }
    if (!t.requests().equals(Resources.NONE)) {
      resources.put("requests", amounts(t.requests()));
    }
    if (!resources.isEmpty()) {
      out.put("resources", resources);
    }
    if (t.probe() != null) {
      out.put("healthCheck", probe(t.probe()));
    }
    out.put("restartPolicy", restart(t.restart()));
    return out;
  }

  private static Map<String, Object> port(Port p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("containerPort", p.containerPort());
    out.put("hostPort", p.hostPort());
    out.put("protocol", p.transport().name());
    if (!p.hostIp().isEmpty()) {
      out.put("hostIP", p.hostIp());
    }
    return out;
  }

  private static Map<String, Object> volume(Volume v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", v.source());
    out.put("target", v.target());
    out.put("readOnly", v.readOnly());
    return out;
  }

  private static Map<String, Object> amounts(Resources r) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (r.cpuMillis() > 0) {
      out.put("cpu", Quantities.formatCpu(r.cpuMillis()));
    }
    if (r.memoryBytes() > 0) {
      out.put("memory", Quantities.formatMemory(r.memoryBytes()));
    }
    return out;
  }

  private static Map<String, Object> probe(Probe p) {
    Map<String, Object> check = new LinkedHashMap<>();
    Map<String, Object> out = new LinkedHashMap<>();
    switch (p.kind()) {
      case HTTP -> {
        check.put("port", p.port());
        check.put("path", p.path());
        out.put("http", check);
      }
      case TCP -> {
        check.put("port", p.port());
        out.put("tcp", check);
      }
      case EXEC -> {
        check.put("command", new ArrayList<>(p.command()));
        out.put("exec", check);
      }
    }
    out.put("initialDelaySeconds", p.initialDelaySeconds());
    out.put("periodSeconds", p.periodSeconds());
    out.put("timeoutSeconds", p.timeoutSeconds());
    out.put("failureThreshold", p.failureThreshold());
    return out;
  }

  private static Map<String, Object> restart(Restart r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", ManifestDecoder.modeName(r.mode()));
    out.put("initialBackoff", Quantities.formatDuration(r.initialBackoffMs()));
    out.put("maxBackoff", Quantities.formatDuration(r.maxBackoffMs()));
    return out;
  }
}
