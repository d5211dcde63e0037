package dev.flotilla.protocol;

/**
 * Bounds applied before any payload is parsed.
 *
 * @param maxPayloadBytes the largest payload accepted, in bytes; larger ones are refused unread
 */
public record DecodeLimits(int maxPayloadBytes) {
  /** 256 KiB: a desired state for a gateway with dozens of workloads is a few KiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

  public static final DecodeLimits DEFAULT = new DecodeLimits(DEFAULT_MAX_PAYLOAD_BYTES);

  public DecodeLimits {
    if (maxPayloadBytes < 64) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be at least 64 bytes, was " + maxPayloadBytes);
    }
  }
}
