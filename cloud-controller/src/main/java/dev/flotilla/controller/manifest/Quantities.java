package dev.flotilla.controller.manifest;

import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.profiles.QuantityException;

/**
 * The quantity notations of manifests, read and written: CPU ({@code 500m}, {@code 0.5}, {@code
 * 2}), memory ({@code 64Mi}, {@code 500M}, {@code 1048576}) and durations ({@code 500ms}, {@code
 * 10s}, {@code 1m30s}). The notations and their rules live in {@link
 * dev.flotilla.profiles.Quantities}, which device profiles read with too; this wrapper only puts
 * the manifest field in front of a refusal. Pure.
 */
final class Quantities {
  private Quantities() {}

  /**
   * @return millicores, 1 to {@link dev.flotilla.profiles.Quantities#MAX_CPU_MILLIS}
   * @throws InvalidInputException naming {@code field} when {@code raw} is not a CPU amount
   */
  static int cpuMillis(String field, Object raw) {
    try {
      return dev.flotilla.profiles.Quantities.cpuMillis(raw);
    } catch (QuantityException e) {
      throw new InvalidInputException(field, e.getMessage());
    }
  }

  /**
   * @return bytes, 1 to {@link dev.flotilla.profiles.Quantities#MAX_MEMORY_BYTES}
   * @throws InvalidInputException naming {@code field} when {@code raw} is not a memory amount
   */
  static long memoryBytes(String field, Object raw) {
    try {
      return dev.flotilla.profiles.Quantities.memoryBytes(raw);
    } catch (QuantityException e) {
      throw new InvalidInputException(field, e.getMessage());
    }
  }

  /**
   * @return milliseconds, {@code min} to {@code max}
   * @throws InvalidInputException naming {@code field} when {@code raw} is not a duration in bounds
   */
  static long durationMs(String field, Object raw, long min, long max) {
    try {
      return dev.flotilla.profiles.Quantities.durationMs(raw, min, max);
    } catch (QuantityException e) {
      throw new InvalidInputException(field, e.getMessage());
    }
  }

  /** {@code 2} for 2000, {@code 500m} for 500. */
  static String formatCpu(int millis) {
    return dev.flotilla.profiles.Quantities.formatCpu(millis);
  }

  /** The largest binary suffix that divides exactly, else the largest decimal one, else bytes. */
  static String formatMemory(long bytes) {
    return dev.flotilla.profiles.Quantities.formatMemory(bytes);
  }

  /** The largest of h, m, s, ms that divides exactly: {@code 5m}, {@code 90s}, {@code 1500ms}. */
  static String formatDuration(long ms) {
    return dev.flotilla.profiles.Quantities.formatDuration(ms);
  }
}
