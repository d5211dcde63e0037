package dev.flotilla.simulator.link;

/**
 * Bytes from the peer that are not a well-formed MQTT 5 packet, or a packet this client does not
 * speak (AUTH, QoS 2 flows). The connection that carried them cannot be trusted to stay in step and
 * is closed; other connections are not affected.
 */
public final class MalformedPacketException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong, naming the packet type and the field
   */
  public MalformedPacketException(String message) {
    super(message);
  }
}
