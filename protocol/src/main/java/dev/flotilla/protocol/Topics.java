package dev.flotilla.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The topic scheme, {@code flotilla/v1/nodes/{node}/{kind}}, as code. Every topic Flotilla
 * publishes or subscribes to is built here, and every incoming topic is parsed here into a {@link
 * Topic}; anything off-scheme is refused.
 */
public final class Topics {
  /** The root of every Flotilla topic, with its trailing slash. */
  public static final String ROOT = "flotilla/v1/";

  private static final String NODES = ROOT + "nodes/";

  /** What a topic carries. The suffix is what follows {@code flotilla/v1/nodes/{node}/}. */
  public enum Kind {
    /** controller → node, retained, {@code SignedDesiredState}. */
    DESIRED("desired"),
    /** node → controller, {@code NodeStatus}. */
    STATUS("status"),
    /** node → controller, {@code EventBatch}. */
    EVENTS("events"),
    /** node → controller, retained, {@code Presence} (birth, and death as the MQTT will). */
    PRESENCE("presence"),
    /** controller → node, {@code Command}. */
    COMMAND("cmd"),
    /** node → controller, {@code CommandReply}. */
    COMMAND_REPLY("cmd/reply");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }

    /** True for topics a node publishes; false for those it subscribes to. */
    public boolean fromNode() {
      return this != DESIRED && this != COMMAND;
    }
  }

  /**
   * A parsed topic.
   *
   * @param node never null
   * @param kind never null
   */
  public record Topic(NodeId node, Kind kind) {
    public Topic {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(kind, "kind");
    }

    /** The topic string. */
    public String value() {
      return of(node, kind);
    }

    @Override
    public String toString() {
      return value();
    }
  }

  private Topics() {}

  public static String of(NodeId node, Kind kind) {
    return NODES + node.value() + "/" + kind.suffix();
  }

  public static String desired(NodeId node) {
    return of(node, Kind.DESIRED);
  }

  public static String status(NodeId node) {
    return of(node, Kind.STATUS);
  }

  public static String events(NodeId node) {
    return of(node, Kind.EVENTS);
  }

  public static String presence(NodeId node) {
    return of(node, Kind.PRESENCE);
  }

  public static String command(NodeId node) {
    return of(node, Kind.COMMAND);
  }

  public static String commandReply(NodeId node) {
    return of(node, Kind.COMMAND_REPLY);
  }

  /**
   * The filter that matches {@code kind} for every node, e.g. {@code flotilla/v1/nodes/+/status}.
   */
  public static String allNodes(Kind kind) {
    return NODES + "+/" + kind.suffix();
  }

  /**
   * The same filter as an MQTT 5 shared subscription, so several controller replicas split the
   * load: {@code $share/{group}/flotilla/v1/nodes/+/status}.
   */
  public static String shared(String group, Kind kind) {
    if (group == null
        || group.isEmpty()
        || group.contains("/")
        || group.contains("+")
        || group.contains("#")) {
      throw new IllegalArgumentException(
          "shared subscription group '" + group + "' must be non-empty without '/', '+' or '#'");
    }
    return "$share/" + group + "/" + allNodes(kind);
  }

  /**
   * Parses an incoming topic.
   *
   * @throws ProtocolException {@link ProtocolException.Reason#INVALID_TOPIC} for anything off the
   *     scheme, {@link ProtocolException.Reason#INVALID_NODE_ID} for a bad node level
   */
  public static Topic parse(String topic) throws ProtocolException {
    if (topic == null) {
      throw invalid(null, "topic is missing");
    }
    if (!topic.startsWith(NODES)) {
      throw invalid(topic, "it does not start with '" + NODES + "'");
    }
    String rest = topic.substring(NODES.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw invalid(topic, "it has no node level and kind");
    }
    String node = rest.substring(0, slash);
    String suffix = rest.substring(slash + 1);
    Kind kind =
        Arrays.stream(Kind.values())
            .filter(k -> k.suffix.equals(suffix))
            .findFirst()
            .orElseThrow(() -> invalid(topic, "'" + suffix + "' is not a known kind"));
    return new Topic(NodeId.parse(node), kind);
  }

  private static ProtocolException invalid(String topic, String why) {
    String shown =
        topic == null ? "null" : topic.length() > 200 ? topic.substring(0, 200) + "…" : topic;
    return new ProtocolException(
        ProtocolException.Reason.INVALID_TOPIC,
        "topic '" + shown + "' is not a Flotilla topic: " + why);
  }
}
