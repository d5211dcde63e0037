package dev.flotilla.simulator.scenario;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scenario that cannot be read or breaks a rule. The message is {@code scenario SOURCE: PATH:
 * RULE}, e.g. {@code scenario demo.yaml: steps[3].partition.for: "60" is not a duration; use e.g.
 * 500ms, 30s, 5m, 1h}; the path is left out when the scenario as a whole is at fault.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String path;
  private final String rule;

  /**
   * @param source the file or shipped scenario, as given
   * @param path where the fault is, as a path into the document ({@code fleet.groups[1].share});
   *     empty when the document as a whole is at fault
   * @param rule what is wrong and what to do instead
   */
  public ScenarioException(String source, String path, String rule) {
    this(source, path, rule, null);
  }

  public ScenarioException(String source, String path, String rule, @Nullable Throwable cause) {
    super("scenario " + source + ": " + (path.isEmpty() ? "" : path + ": ") + rule, cause);
    this.source = Objects.requireNonNull(source, "source");
    this.path = path;
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  public String source() {
    return source;
  }

  public String path() {
    return path;
  }

  public String rule() {
    return rule;
  }
}
