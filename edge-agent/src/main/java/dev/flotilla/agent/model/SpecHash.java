package dev.flotilla.agent.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash that says whether a running container still matches its workload. It covers what the
 * container is made from (image, command, args, env, ports, volumes, limits) and nothing that can
 * change without recreating it (revision, probe, restart policy, update policy and maintenance
 * windows: changing only those never replaces a container). Stable across agent versions: the
 * encoding below must not change without a migration, or every container on every node would be
 * replaced at upgrade. Pure.
 */
public final class SpecHash {
  private SpecHash() {}

  /** 16 lowercase hex characters (64 bits of SHA-256). */
  public static String of(WorkloadSpec w) {
    StringBuilder b = new StringBuilder(256);
    field(b, "v1");
    field(b, w.name());
    field(b, w.image());
    list(b, w.command());
    list(b, w.args());
    Map<String, String> env = new TreeMap<>(w.env());
    b.append(env.size()).append(':');
    env.forEach(
        (k, v) -> {
          field(b, k);
          field(b, v);
        });
    b.append(w.ports().size()).append(':');
    for (WorkloadSpec.PortSpec p : w.ports()) {
      field(b, p.containerPort() + "/" + p.hostPort() + "/" + (p.udp() ? "udp" : "tcp"));
      field(b, p.hostIp());
    }
    b.append(w.volumes().size()).append(':');
    for (WorkloadSpec.VolumeSpec v : w.volumes()) {
      field(b, v.source());
      field(b, v.target());
      field(b, v.readOnly() ? "ro" : "rw");
    }
    field(b, Long.toString(w.cpuMillis()));
    field(b, Long.toString(w.memoryBytes()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  // Length-prefixed, so that no choice of values can make two different specs encode alike.
  private static void field(StringBuilder b, String s) {
    b.append(s.length()).append(':').append(s);
  }

  private static void list(StringBuilder b, List<String> items) {
    b.append(items.size()).append(':');
    items.forEach(i -> field(b, i));
  }
}
