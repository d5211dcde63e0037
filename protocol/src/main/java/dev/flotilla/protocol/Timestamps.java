package dev.flotilla.protocol;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instants as the wire's {@code google.protobuf.Timestamp}, to the nanosecond. */
public final class Timestamps {
  private Timestamps() {}

  public static Timestamp of(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
