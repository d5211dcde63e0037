package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "z9", "gw-001", "0-0-0", "x-"})
  void acceptsLowercaseDnsLabels(String id) throws ProtocolException {
    assertEquals(id, NodeId.parse(id).value());
    assertEquals(id, new NodeId(id).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "A", "a_b", "a.b", "a b", "a/b", "ä"})
  void refusesAnythingElseWithATypedError(String id) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> NodeId.parse(id));
    assertEquals(ProtocolException.Reason.INVALID_NODE_ID, e.reason());
    assertThrows(IllegalArgumentException.class, () -> new NodeId(id));
  }

  @Test
  void refusesNullAndOverlongIds() {
    assertThrows(ProtocolException.class, () -> NodeId.parse(null));
    assertThrows(ProtocolException.class, () -> NodeId.parse("n".repeat(64)));
    assertEquals(63, new NodeId("n".repeat(63)).value().length());
  }
}
