package dev.flotilla.profiles;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A CPU architecture as container images name it (the OCI platform names), so a profile and a
 * manifest say {@code arm64} exactly as {@code podman manifest inspect} does.
 */
public enum Architecture {
  AMD64("amd64"),
  ARM64("arm64"),
  /** 32-bit ARMv7 ({@code arm/v7} in OCI terms). */
  ARM("arm"),
  RISCV64("riscv64");

  private final String ociName;

  Architecture(String ociName) {
    this.ociName = ociName;
  }

  /** The name used in profiles, manifests and image indexes. */
  public String ociName() {
    return ociName;
  }

  /** The architecture with that OCI name; empty when there is none. */
  public static Optional<Architecture> fromOciName(String name) {
    for (Architecture a : values()) {
      if (a.ociName.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Every OCI name, for error messages. */
  public static List<String> ociNames() {
    return Arrays.stream(values()).map(Architecture::ociName).toList();
  }

  @Override
  public String toString() {
    return ociName.toLowerCase(Locale.ROOT);
  }
}
