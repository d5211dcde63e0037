package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.Topics.Kind;
import dev.flotilla.protocol.Topics.Topic;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {
  private static final NodeId GW = new NodeId("gw-001");

  @Test
  void buildsEveryTopicUnderTheNodesRoot() {
    assertEquals("flotilla/v1/nodes/gw-001/desired", Topics.desired(GW));
    assertEquals("flotilla/v1/nodes/gw-001/status", Topics.status(GW));
    assertEquals("flotilla/v1/nodes/gw-001/events", Topics.events(GW));
    assertEquals("flotilla/v1/nodes/gw-001/presence", Topics.presence(GW));
    assertEquals("flotilla/v1/nodes/gw-001/cmd", Topics.command(GW));
    assertEquals("flotilla/v1/nodes/gw-001/cmd/reply", Topics.commandReply(GW));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void parsesWhatItBuilds(Kind kind) throws ProtocolException {
    Topic parsed = Topics.parse(Topics.of(GW, kind));
    assertEquals(new Topic(GW, kind), parsed);
    assertEquals(Topics.of(GW, kind), parsed.value());
  }

  static Stream<Arguments> validIds() {
    return Stream.of(
        Arguments.of("a"),
        Arguments.of("0"),
        Arguments.of("gw-001"),
        Arguments.of("9-lives"),
        Arguments.of("node-"),
        Arguments.of("a".repeat(63)));
  }

  @ParameterizedTest
  @MethodSource("validIds")
  void acceptsValidNodeIdsInTopics(String id) throws ProtocolException {
    Topic topic = Topics.parse("flotilla/v1/nodes/" + id + "/status");
    assertEquals(id, topic.node().value());
    assertEquals(Kind.STATUS, topic.kind());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GW-001", "-gw", "gw_001", "gw.001", "gw 001", "gw+", "+", "#", "gw/01", "é",
      })
  void refusesInvalidNodeIdsInTopics(String id) {
    ProtocolException e =
        assertThrows(
            ProtocolException.class, () -> Topics.parse("flotilla/v1/nodes/" + id + "/desired"));
    assertTrue(
        e.reason() == Reason.INVALID_NODE_ID || e.reason() == Reason.INVALID_TOPIC, e.getMessage());
  }

  @Test
  void refusesANodeIdOfSixtyFourCharactersNamingTheRule() {
    String id = "a".repeat(64);
    ProtocolException e =
        assertThrows(
            ProtocolException.class, () -> Topics.parse("flotilla/v1/nodes/" + id + "/status"));
    assertEquals(Reason.INVALID_NODE_ID, e.reason());
    assertTrue(e.getMessage().contains("1 to 63 characters"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "flotilla/v1/nodes/",
        "flotilla/v1/nodes/gw-001",
        "flotilla/v1/nodes/gw-001/",
        "flotilla/v1/nodes//status",
        "flotilla/v1/nodes/gw-001/statuses",
        "flotilla/v1/nodes/gw-001/status/extra",
        "flotilla/v1/nodes/gw-001/cmd/replies",
        "flotilla/v2/nodes/gw-001/status",
        "flotilla/v1/node/gw-001/status",
        "/flotilla/v1/nodes/gw-001/status",
        "Flotilla/v1/nodes/gw-001/status",
        "flotilla/v1/nodes/+/status",
        "$share/ctl/flotilla/v1/nodes/gw-001/status",
      })
  void refusesTopicsOffTheScheme(String topic) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Topics.parse(topic));
    assertTrue(
        e.reason() == Reason.INVALID_TOPIC || e.reason() == Reason.INVALID_NODE_ID, e.getMessage());
  }

  @ParameterizedTest
  @NullSource
  void refusesAMissingTopic(String topic) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Topics.parse(topic));
    assertEquals(Reason.INVALID_TOPIC, e.reason());
  }

  @Test
  void buildsWildcardAndSharedFiltersForTheController() {
    assertEquals("flotilla/v1/nodes/+/status", Topics.allNodes(Kind.STATUS));
    assertEquals(
        "$share/controllers/flotilla/v1/nodes/+/events", Topics.shared("controllers", Kind.EVENTS));
    assertThrows(IllegalArgumentException.class, () -> Topics.shared("a/b", Kind.EVENTS));
    assertThrows(IllegalArgumentException.class, () -> Topics.shared("", Kind.EVENTS));
  }

  @Test
  void knowsWhichWayEachKindFlows() {
    assertFalse(Kind.DESIRED.fromNode());
    assertFalse(Kind.COMMAND.fromNode());
    assertTrue(Kind.STATUS.fromNode());
    assertTrue(Kind.EVENTS.fromNode());
    assertTrue(Kind.PRESENCE.fromNode());
    assertTrue(Kind.COMMAND_REPLY.fromNode());
  }
}
