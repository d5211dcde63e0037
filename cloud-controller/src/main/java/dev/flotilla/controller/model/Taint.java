package dev.flotilla.controller.model;

import java.util.Objects;

/**
 * A mark on a node that keeps deployments away unless they tolerate it, as in Kubernetes: {@code
 * NO_SCHEDULE} keeps new placements off and leaves what runs; {@code NO_EXECUTE} also takes off
 * what runs.
 *
 * @param key a label key
 * @param value a label value; may be empty
 */
public record Taint(String key, String value, Effect effect) {
  public Taint {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(effect, "effect");
  }

  /** What a taint does to deployments that do not tolerate it. */
  public enum Effect {
    NO_SCHEDULE("NoSchedule"),
    NO_EXECUTE("NoExecute");

    private final String manifestName;

    Effect(String manifestName) {
      this.manifestName = manifestName;
    }

    /** The spelling in manifests and the API: {@code NoSchedule}, {@code NoExecute}. */
    public String manifestName() {
      return manifestName;
    }

    /** The effect spelled {@code name}; null when there is none. */
    public static Effect fromManifestName(String name) {
      for (Effect e : values()) {
        if (e.manifestName.equals(name)) {
          return e;
        }
      }
      return null;
    }
  }

  /** {@code key=value:NoSchedule}, or {@code key:NoSchedule} without a value. */
  @Override
  public String toString() {
    return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect.manifestName();
  }
}
