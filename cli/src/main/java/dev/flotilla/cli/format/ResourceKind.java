package dev.flotilla.cli.format;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds {@code get} lists, with kubectl-style plural, singular and short names. */
public enum ResourceKind {
  NODES("nodes", "node", "no"),
  DEPLOYMENTS("deployments", "deployment", "deploy"),
  ROLLOUTS("rollouts", "rollout", "ro"),
  EVENTS("events", "event", "ev");

  private final List<String> names;

  ResourceKind(String... names) {
    this.names = List.of(names);
  }

  /** The plural, singular and short name, in that order. */
  public List<String> names() {
    return names;
  }

  /** The kind a name means, case-insensitively. */
  public static Optional<ResourceKind> of(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.names.contains(n)).findFirst();
  }

  /** The kind a name means, as written (lower case): how delete, describe and label read KIND. */
  public static Optional<ResourceKind> exactly(String name) {
    return Arrays.stream(values()).filter(k -> k.names.contains(name)).findFirst();
  }

  /** Every accepted name, for completion and messages. */
  public static List<String> allNames() {
    return Arrays.stream(values()).flatMap(k -> k.names.stream()).toList();
  }
}
