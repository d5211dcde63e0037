package dev.flotilla.agent.runtime.podman;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.ContainerInfo.State;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.WorkloadSpec.PortSpec;
import dev.flotilla.agent.model.WorkloadSpec.VolumeSpec;
import dev.flotilla.agent.runtime.ContainerRuntime.LogSink;
import dev.flotilla.agent.runtime.ContainerRuntime.RuntimeEvent;
import dev.flotilla.agent.runtime.ContainerRuntime.Stats;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Podman 4.x libpod wire formats, mapped to and from the agent's records: pure functions over JSON
 * trees (maps, lists, strings, numbers as jackson-jr reads them; no reflective binding), plus the
 * exec and log stream framing. Unknown or missing fields read as absent, never as an exception,
 * because Podman versions differ in what they send.
 */
final class PodmanWire {
  /** Go's zero {@code time.Time}, which Podman sends for "never". */
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** CFS period for CPU limits, in microseconds (the kernel's default). */
  static final long CPU_PERIOD_MICROS = 100_000;

  /** The smallest CFS quota the kernel accepts, in microseconds. */
  private static final long MIN_CPU_QUOTA_MICROS = 1_000;

  private PodmanWire() {}

  // --- JSON in and out -------------------------------------------------------------------------

  static String write(Object tree) {
    try {
      return JSON.std.asString(tree);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a JSON document; throws {@link IOException} when it is not JSON. */
  static Object read(String json) throws IOException {
    return JSON.std.anyFrom(json);
  }

  /** The document as an object; empty when it is not JSON or not an object. */
  static Map<String, Object> readObject(String json) {
    try {
      return object(read(json));
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  // --- containers ------------------------------------------------------------------------------

  /** Maps {@code GET /libpod/containers/{id}/json}. */
  static ContainerInfo fromInspect(Map<String, Object> json) {
    Map<String, Object> config = object(json.get("Config"));
    Map<String, Object> state = object(json.get("State"));
    String image = string(json.get("ImageName"));
    if (image.isEmpty()) {
      image = string(config.get("Image"));
    }
    if (image.isEmpty()) {
      image = string(json.get("Image"));
    }
    return new ContainerInfo(
        string(json.get("Id")),
        stripSlash(string(json.get("Name"))),
        image,
        stringMap(config.get("Labels")),
        state(string(state.get("Status"))),
        (int) number(state.get("ExitCode")),
        timestamp(state.get("StartedAt")),
        timestamp(state.get("FinishedAt")));
  }

  /**
   * Maps one entry of {@code GET /libpod/containers/json}. Its times are whole seconds, so they can
   * differ from {@link #fromInspect}'s by less than a second.
   */
  static ContainerInfo fromListEntry(Map<String, Object> json) {
    List<Object> names = list(json.get("Names"));
    return new ContainerInfo(
        string(json.get("Id")),
        names.isEmpty() ? "" : stripSlash(string(names.get(0))),
        string(json.get("Image")),
        stringMap(json.get("Labels")),
        state(string(json.get("State"))),
        (int) number(json.get("ExitCode")),
        epochSeconds(json.get("StartedAt")),
        epochSeconds(json.get("ExitedAt")));
  }

  /**
   * Podman's container states. {@code configured} (defined, not yet made in the OCI runtime) and
   * {@code initialized} read as CREATED; {@code stopped} (the process ended, cleanup pending) and
   * {@code removing} (on its way out, the process gone) read as EXITED.
   */
  static State state(String podmanState) {
    return switch (podmanState.toLowerCase(Locale.ROOT)) {
      case "configured", "created", "initialized" -> State.CREATED;
      case "running" -> State.RUNNING;
      case "paused" -> State.PAUSED;
      case "stopping" -> State.STOPPING;
      case "exited", "stopped", "removing" -> State.EXITED;
      default -> State.UNKNOWN;
    };
  }

  /** An RFC 3339 time; empty for Go's zero time, a missing field or an unreadable one. */
  static Optional<Instant> timestamp(Object rfc3339) {
    String text = string(rfc3339);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant instant = Instant.parse(text);
      return instant.isAfter(GO_ZERO_TIME) && instant.getEpochSecond() > 0
          ? Optional.of(instant)
          : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Unix seconds; empty for zero, negative (Go's zero time) or missing. */
  static Optional<Instant> epochSeconds(Object seconds) {
    long value = number(seconds);
    return value > 0 ? Optional.of(Instant.ofEpochSecond(value)) : Optional.empty();
  }

  /**
   * The body of {@code POST /libpod/containers/create} (a specgen): the entrypoint and command
   * overrides, environment, published ports, bind mounts for absolute sources and named volumes
   * otherwise, CPU quota and memory limit, labels.
   */
  static Map<String, Object> createBody(ContainerSpec spec) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", spec.name());
    body.put("image", spec.image());
    if (!spec.command().isEmpty()) {
      body.put("entrypoint", spec.command());
    }
    if (!spec.args().isEmpty()) {
      body.put("command", spec.args());
    }
    if (!spec.env().isEmpty()) {
      body.put("env", spec.env());
    }
    if (!spec.labels().isEmpty()) {
      body.put("labels", spec.labels());
    }
    List<Map<String, Object>> ports = new ArrayList<>();
    for (PortSpec port : spec.ports()) {
      Map<String, Object> mapping = new LinkedHashMap<>();
      mapping.put("container_port", port.containerPort());
      mapping.put("host_port", port.hostPort());
      mapping.put("protocol", port.udp() ? "udp" : "tcp");
      if (!port.hostIp().isEmpty()) {
        mapping.put("host_ip", port.hostIp());
      }
      ports.add(mapping);
    }
    if (!ports.isEmpty()) {
      body.put("portmappings", ports);
    }
    List<Map<String, Object>> mounts = new ArrayList<>();
    List<Map<String, Object>> volumes = new ArrayList<>();
    for (VolumeSpec volume : spec.volumes()) {
      String access = volume.readOnly() ? "ro" : "rw";
      if (volume.source().startsWith("/")) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("type", "bind");
        mount.put("source", volume.source());
        mount.put("destination", volume.target());
        mount.put("options", List.of("rbind", access));
        mounts.add(mount);
      } else {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("Name", volume.source());
        named.put("Dest", volume.target());
        named.put("Options", List.of(access));
        volumes.add(named);
      }
    }
    if (!mounts.isEmpty()) {
      body.put("mounts", mounts);
    }
    if (!volumes.isEmpty()) {
      body.put("volumes", volumes);
    }
    Map<String, Object> limits = new LinkedHashMap<>();
    if (spec.cpuMillis() > 0) {
      long quota =
          Math.max(
              MIN_CPU_QUOTA_MICROS, Math.multiplyExact(spec.cpuMillis(), CPU_PERIOD_MICROS) / 1000);
      limits.put("cpu", Map.of("quota", quota, "period", CPU_PERIOD_MICROS));
    }
    if (spec.memoryBytes() > 0) {
      limits.put("memory", Map.of("limit", spec.memoryBytes()));
    }
    if (!limits.isEmpty()) {
      body.put("resource_limits", limits);
    }
    return body;
  }

  // --- stats and events ------------------------------------------------------------------------

  /**
   * Maps {@code GET /libpod/containers/stats?stream=false}. Podman 4.3 reports one sample's CPU as
   * a percentage of one core averaged since the container started, which just after a start can
   * exceed what the machine has: it is capped at the number of CPUs Podman lists.
   *
   * @param memoryLimitBytes the configured limit (Podman reports the host's memory when there is
   *     none); 0: none
   * @return empty when Podman has no sample for the container
   */
  static Optional<Stats> stats(Map<String, Object> json, long memoryLimitBytes) {
    List<Object> samples = list(json.get("Stats"));
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> sample = object(samples.get(0));
    double percent = decimal(sample.get("CPU"));
    long cpuMillis = Math.max(0, Math.round(percent * 10));
    int cpus = list(sample.get("PerCPU")).size();
    if (cpus > 0) {
      cpuMillis = Math.min(cpuMillis, cpus * 1000L);
    }
    return Optional.of(
        new Stats(cpuMillis, number(sample.get("MemUsage")), Math.max(0, memoryLimitBytes)));
  }

  /**
   * A container event from {@code GET /libpod/events}, with the engine's time in nanoseconds since
   * the epoch (0 when it sent none).
   */
  record TimedEvent(RuntimeEvent event, long timeNanos) {}

  /** Maps one line of the event stream; empty for events that are not about a container. */
  static Optional<TimedEvent> event(Map<String, Object> json) {
    String type = string(json.get("Type"));
    if (!type.isEmpty() && !type.equals("container")) {
      return Optional.empty();
    }
    Map<String, Object> actor = object(json.get("Actor"));
    String id = string(actor.get("ID"));
    if (id.isEmpty()) {
      id = string(json.get("id"));
    }
    String action = string(json.get("Action"));
    if (action.isEmpty()) {
      action = string(json.get("status"));
    }
    if (id.isEmpty() || action.isEmpty()) {
      return Optional.empty();
    }
    String workload = string(object(actor.get("Attributes")).get(Labels.WORKLOAD));
    long nanos = number(json.get("timeNano"));
    if (nanos == 0) {
      nanos = Math.multiplyExact(number(json.get("time")), 1_000_000_000L);
    }
    return Optional.of(
        new TimedEvent(
            new RuntimeEvent(
                id, action, workload.isEmpty() ? Optional.empty() : Optional.of(workload)),
            nanos));
  }

  // --- errors ----------------------------------------------------------------------------------

  /** Causes with which Podman 4.3 reports, under a 500, what a 404 would say. */
  private static final Set<String> NOT_FOUND_CAUSES =
      Set.of(
          "no such container",
          "no such image",
          "image not known",
          "no such exec session",
          "no such volume",
          "no such pod");

  /** Causes with which Podman 4.3 reports, under a 500, what a 409 would say. */
  private static final Set<String> CONFLICT_CAUSES =
      Set.of("that name is already in use", "container state improper", "container already exists");

  /**
   * The kind of a failed call. Podman 4.3 answers many refusals with a 500 and says what happened
   * only in its {@code cause}: a taken name, a container in the wrong state, an unknown image, an
   * invalid argument or a body it cannot decode. Those are mapped as the fitting status would have
   * been; other 5xx are ENGINE_ERROR, other 4xx BAD_REQUEST.
   */
  static Kind kind(int status, String cause, String message) {
    String c = cause.toLowerCase(Locale.ROOT);
    if (status == 404 || NOT_FOUND_CAUSES.contains(c)) {
      return Kind.NOT_FOUND;
    }
    if (status == 409 || CONFLICT_CAUSES.contains(c)) {
      return Kind.CONFLICT;
    }
    if (status == 400 || c.equals("invalid argument") || message.startsWith("decode(")) {
      return Kind.BAD_REQUEST;
    }
    return status >= 500 ? Kind.ENGINE_ERROR : Kind.BAD_REQUEST;
  }

  /** Podman's {@code cause} of an error answer; empty when there is none. */
  static String cause(Map<String, Object> error) {
    return string(error.get("cause"));
  }

  /**
   * Podman's own words for an error answer: its {@code message}, and its {@code cause} when the
   * message does not already say it; the raw body (shortened) when it is not Podman's JSON.
   */
  static String errorText(String body, Map<String, Object> error) {
    String message = string(error.get("message"));
    String cause = string(error.get("cause"));
    if (message.isEmpty()) {
      String raw = body.strip();
      return raw.length() > 500 ? raw.substring(0, 500) + "..." : raw;
    }
    return cause.isEmpty() || message.contains(cause) ? message : message + " (" + cause + ")";
  }

  // --- log stream ------------------------------------------------------------------------------

  /**
   * Copies a libpod log stream to {@code sink}, blocking on {@code in}. A container without a TTY
   * answers a multiplexed stream: frames of an 8-byte header ({@code [stream, 0, 0, 0, size (4
   * bytes, big-endian)]}, stream 1 stdout, 2 stderr) and the payload; the payloads are handed on in
   * order, stdout and stderr together, in pieces of at most {@code maxChunk} bytes, each as soon as
   * it was read. A stream that does not start with a frame header (a TTY container) is copied as it
   * is.
   *
   * @return false when the sink said stop, true when the stream ended
   * @throws IOException what reading throws, or a malformed frame after the first
   */
  static boolean copyLog(InputStream in, int maxChunk, LogSink sink) throws IOException {
    byte[] header = new byte[8];
    boolean first = true;
    while (true) {
      int n = in.readNBytes(header, 0, header.length);
      if (n == 0) {
        return true;
      }
      if (!isFrameHeader(header, n)) {
        if (!first) {
          throw new IOException("log stream: malformed frame header");
        }
        if (!sink.accept(java.util.Arrays.copyOf(header, n))) {
          return false;
        }
        return copyRaw(in, maxChunk, sink);
      }
      first = false;
      long left =
          ((header[4] & 0xffL) << 24)
              | ((header[5] & 0xffL) << 16)
              | ((header[6] & 0xffL) << 8)
              | (header[7] & 0xffL);
      while (left > 0) {
        byte[] buffer = new byte[(int) Math.min(left, maxChunk)];
        int read = in.read(buffer);
        if (read < 0) {
          throw new IOException("log stream: ended inside a frame");
        }
        left -= read;
        if (read > 0
            && !sink.accept(
                read == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, read))) {
          return false;
        }
      }
    }
  }

  private static boolean isFrameHeader(byte[] header, int n) {
    return n == 8
        && header[0] >= 0
        && header[0] <= 3
        && header[1] == 0
        && header[2] == 0
        && header[3] == 0;
  }

  private static boolean copyRaw(InputStream in, int maxChunk, LogSink sink) throws IOException {
    byte[] buffer = new byte[maxChunk];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      if (read > 0 && !sink.accept(java.util.Arrays.copyOf(buffer, read))) {
        return false;
      }
    }
    return true;
  }

  // --- exec stream -----------------------------------------------------------------------------

  /**
   * Collects an exec session's output from Podman's multiplexed stream (frames of an 8-byte header
   * — stream id, three zero bytes, big-endian length — and the payload), stdout and stderr
   * together, keeping the first {@code maxBytes}. A stream that does not start with a valid header
   * is taken as raw output. Not thread-safe; what was read stays available after a failed read.
   */
  static final class ExecOutput {
    private final int maxBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    ExecOutput(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** Reads {@code in} to its end; throws what reading throws (a timeout among them). */
    void readFrom(InputStream in) throws IOException {
      byte[] header = new byte[8];
      boolean first = true;
      while (true) {
        int n = in.readNBytes(header, 0, header.length);
        if (n == 0) {
          return;
        }
        boolean framed =
            n == 8
                && header[0] >= 0
                && header[0] <= 2
                && header[1] == 0
                && header[2] == 0
                && header[3] == 0;
        if (!framed) {
          if (!first) {
            throw new IOException("exec stream: malformed frame header");
          }
          keep(header, n);
          copyRaw(in);
          return;
        }
        first = false;
        long length =
            ((header[4] & 0xffL) << 24)
                | ((header[5] & 0xffL) << 16)
                | ((header[6] & 0xffL) << 8)
                | (header[7] & 0xffL);
        byte[] buffer = new byte[(int) Math.min(length, 8192)];
        long left = length;
        while (left > 0) {
          int read = in.read(buffer, 0, (int) Math.min(left, buffer.length));
          if (read < 0) {
            throw new IOException("exec stream: ended inside a frame");
          }
          keep(buffer, read);
          left -= read;
        }
      }
    }

    private void copyRaw(InputStream in) throws IOException {
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        keep(buffer, read);
      }
    }

    private void keep(byte[] bytes, int length) {
      int room = maxBytes - kept.size();
      if (length > room) {
        truncated = true;
      }
      kept.write(bytes, 0, Math.max(0, Math.min(room, length)));
    }

    String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }

    boolean truncated() {
      return truncated;
    }
  }

  // --- tree access -----------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value instanceof List<?> list ? (List<Object>) list : List.of();
  }

  static String string(Object value) {
    return value instanceof String s ? s : "";
  }

  static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  static double decimal(Object value) {
    return value instanceof Number n ? n.doubleValue() : 0;
  }

  static Map<String, String> stringMap(Object value) {
    Map<String, String> result = new LinkedHashMap<>();
    object(value)
        .forEach(
            (key, v) -> {
              if (v != null) {
                result.put(key, String.valueOf(v));
              }
            });
    return result;
  }

  private static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
