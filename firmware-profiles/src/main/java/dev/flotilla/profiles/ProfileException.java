package dev.flotilla.profiles;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A profile file, or the directory of them, that cannot be used. The message names the file, the
 * field and the rule, {@code raspberry-pi-4.yaml: capacity.memory: must be ..., was 'x'}, so an
 * operator can fix it without reading code.
 */
public final class ProfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String field;
  private final String rule;

  /**
   * @param file the file (or directory) at fault, as the caller named it
   * @param field the path of the fault inside the file ({@code capacity.memory}, {@code
   *     peripherals.gpu}); empty when the file as a whole is at fault
   * @param rule what is wrong and what is expected, as a sentence fragment
   */
  public ProfileException(String file, String field, String rule) {
    this(file, field, rule, null);
  }

  ProfileException(String file, String field, String rule, @Nullable Throwable cause) {
    super(field.isEmpty() ? file + ": " + rule : file + ": " + field + ": " + rule, cause);
    this.file = Objects.requireNonNull(file, "file");
    this.field = Objects.requireNonNull(field, "field");
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  public String file() {
    return file;
  }

  /** The path of the fault inside the file; empty when the file as a whole is at fault. */
  public String field() {
    return field;
  }

  public String rule() {
    return rule;
  }
}
