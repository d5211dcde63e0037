package dev.flotilla.controller.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment's leave to run on nodes with a matching {@link Taint}.
 *
 * @param key the taint key; with {@code EXISTS} and an empty key, every taint is tolerated
 * @param value for {@code EQUAL}, the taint value; empty for {@code EXISTS}
 * @param effect the effect tolerated; null tolerates both
 */
public record Toleration(
    String key, Operator operator, String value, Taint.@Nullable Effect effect) {
  public Toleration {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(value, "value");
  }

  /** How the key and value are compared. */
  public enum Operator {
    EQUAL("Equal"),
    EXISTS("Exists");

    private final String manifestName;

    Operator(String manifestName) {
      this.manifestName = manifestName;
    }

    public String manifestName() {
      return manifestName;
    }

    /** The operator spelled {@code name}; null when there is none. */
    public static @Nullable Operator fromManifestName(String name) {
      for (Operator o : values()) {
        if (o.manifestName.equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  /** Whether this toleration lets a deployment past {@code taint}. Pure. */
  public boolean tolerates(Taint taint) {
    if (effect != null && effect != taint.effect()) {
      return false;
    }
    return switch (operator) {
      case EXISTS -> key.isEmpty() || key.equals(taint.key());
      case EQUAL -> key.equals(taint.key()) && value.equals(taint.value());
    };
  }
}
