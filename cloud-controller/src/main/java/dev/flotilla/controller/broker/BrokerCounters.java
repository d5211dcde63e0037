package dev.flotilla.controller.broker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many times the broker extension refused something since this object was made, for the
 * controller to export as metrics. One instance may outlive several {@link EmbeddedBroker}s (a
 * broker restart does not reset the counts).
 *
 * <p>Thread-safe; the counts only grow.
 */
public final class BrokerCounters {
  private final AtomicLong authRefused = new AtomicLong();
  private final AtomicLong subscribeRefused = new AtomicLong();
  private final AtomicLong publishRefused = new AtomicLong();
  private final AtomicLong willRefused = new AtomicLong();

  /** Connections refused at CONNECT: bad or missing credentials, or a client id not theirs. */
  public long authRefused() {
    return authRefused.get();
  }

  /** Topic filters refused in SUBSCRIBE packets (one SUBSCRIBE may count several times). */
  public long subscribeRefused() {
    return subscribeRefused.get();
  }

  /** PUBLISH packets refused. */
  public long publishRefused() {
    return publishRefused.get();
  }

  /**
   * Will messages refused at CONNECT (the connection is refused with them; they are not counted in
   * {@link #authRefused()}).
   */
  public long willRefused() {
    return willRefused.get();
  }

  void countAuthRefused() {
    authRefused.incrementAndGet();
  }

  void countSubscribeRefused() {
    subscribeRefused.incrementAndGet();
  }

  void countPublishRefused() {
    publishRefused.incrementAndGet();
  }

  void countWillRefused() {
    willRefused.incrementAndGet();
  }

  @Override
  public String toString() {
    return "BrokerCounters[authRefused="
        + authRefused()
        + ", subscribeRefused="
        + subscribeRefused()
        + ", publishRefused="
        + publishRefused()
        + ", willRefused="
        + willRefused()
        + "]";
  }
}
