package dev.flotilla.agent.link;

import java.util.Objects;

/**
 * Why a {@link FleetLink#publish} future failed. In every case the message may not have reached the
 * broker: keep it (in the outbox) and publish it again after the next {@link
 * FleetLink.Listener#onConnected()}; the controller de-duplicates by sequence number.
 */
public final class PublishFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The link was not connected when publish was called; nothing was sent. */
    NOT_CONNECTED,
    /** The connection dropped before the broker acknowledged the message. */
    CONNECTION_LOST,
    /**
     * The broker answered with a failure reason code (e.g. 0x87 not authorized, 0x97 quota
     * exceeded): sending the same message again will likely fail the same way until the broker's
     * configuration changes.
     */
    REFUSED,
    /** The link was closed before the broker acknowledged the message. */
    CLOSED
  }

  private final Reason reason;
  private final int reasonCode;

  /**
   * @param reason never null
   * @param reasonCode the MQTT reason code the broker sent, for {@link Reason#REFUSED}; -1
   *     otherwise
   * @param message for people; the reason's name is put in front of it
   * @param cause may be null
   */
  public PublishFailedException(Reason reason, int reasonCode, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
    this.reason = reason;
    this.reasonCode = reasonCode;
  }

  public Reason reason() {
    return reason;
  }

  /** The MQTT reason code from the broker for {@link Reason#REFUSED}; -1 otherwise. */
  public int reasonCode() {
    return reasonCode;
  }
}
