package dev.flotilla.controller.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.protocol.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicAclTest {
  private static final BrokerPrincipal NODE_A = new BrokerPrincipal.Node(new NodeId("a"));
  private static final BrokerPrincipal CONTROLLER = new BrokerPrincipal.Controller();

  @ParameterizedTest(name = "node a subscribing to [{0}] is allowed: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flotilla/v1/nodes/a/desired            | true",
        "flotilla/v1/nodes/a/cmd                | true",
        // other nodes, and prefix attacks in both directions
        "flotilla/v1/nodes/b/desired            | false",
        "flotilla/v1/nodes/ab/desired           | false",
        "flotilla/v1/nodes/ab/cmd               | false",
        // wildcards, even ones that would only match its own topics
        "+                                      | false",
        "#                                      | false",
        "flotilla/#                             | false",
        "flotilla/v1/#                          | false",
        "flotilla/v1/nodes/+/desired            | false",
        "flotilla/v1/nodes/a/#                  | false",
        "flotilla/v1/nodes/a/+                  | false",
        "flotilla/v1/nodes/a/desired/#          | false",
        "flotilla/v1/nodes/a/cmd/#              | false",
        "flotilla/v1/nodes/a/cmd/+              | false",
        // topics it publishes, not receives
        "flotilla/v1/nodes/a/status             | false",
        "flotilla/v1/nodes/a/cmd/reply          | false",
        "flotilla/v1/nodes/a/presence           | false",
        // shared subscriptions, even on its own topic
        "$share/x/flotilla/v1/nodes/a/desired   | false",
        "$share/a/flotilla/v1/nodes/a/cmd       | false",
        // empty levels, case, and near misses
        "flotilla/v1/nodes//desired             | false",
        "flotilla/v1/nodes/a//desired           | false",
        "flotilla/v1/nodes/a/desired/           | false",
        "/flotilla/v1/nodes/a/desired           | false",
        "flotilla//v1/nodes/a/desired           | false",
        "flotilla/v1/nodes/A/desired            | false",
        "FLOTILLA/V1/NODES/A/DESIRED            | false",
        "flotilla/v1/nodes/a/Desired            | false",
        "flotilla/v2/nodes/a/desired            | false",
        "flotilla/v1/nodes/a                    | false",
        "flotilla/v1/nodes/a/desiredx           | false",
        "' flotilla/v1/nodes/a/desired'         | false",
        "''                                     | false",
        // outside the Flotilla tree
        "a/desired                              | false",
        "$SYS/#                                 | false",
      })
  void aNodeSubscribesOnlyToItsOwnDesiredAndCommandTopicsExactly(String filter, boolean allowed) {
    assertEquals(allowed, TopicAcl.maySubscribe(NODE_A, filter));
  }

  @ParameterizedTest(name = "node a publishing to [{0}] retain={1} is allowed: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flotilla/v1/nodes/a/status        | false | true",
        "flotilla/v1/nodes/a/events        | false | true",
        "flotilla/v1/nodes/a/cmd/reply     | false | true",
        "flotilla/v1/nodes/a/presence      | false | true",
        "flotilla/v1/nodes/a/presence      | true  | true",
        // retain only on presence
        "flotilla/v1/nodes/a/status        | true  | false",
        "flotilla/v1/nodes/a/events        | true  | false",
        "flotilla/v1/nodes/a/cmd/reply     | true  | false",
        // topics only the controller publishes to
        "flotilla/v1/nodes/a/desired       | false | false",
        "flotilla/v1/nodes/a/desired       | true  | false",
        "flotilla/v1/nodes/a/cmd           | false | false",
        // other nodes and prefix attacks
        "flotilla/v1/nodes/b/status        | false | false",
        "flotilla/v1/nodes/b/presence      | true  | false",
        "flotilla/v1/nodes/ab/status       | false | false",
        "flotilla/v1/nodes/ab/presence     | true  | false",
        // deeper, shallower, empty levels, case
        "flotilla/v1/nodes/a/status/x      | false | false",
        "flotilla/v1/nodes/a/cmd/reply/x   | false | false",
        "flotilla/v1/nodes/a/              | false | false",
        "flotilla/v1/nodes//status         | false | false",
        "flotilla/v1/nodes/a//status       | false | false",
        "flotilla/v1/nodes/A/status        | false | false",
        "flotilla/v1/nodes/a/STATUS        | false | false",
        // wildcards are no topic names
        "flotilla/v1/nodes/+/status        | false | false",
        "flotilla/v1/nodes/a/#             | false | false",
        // outside the Flotilla tree
        "$share/x/flotilla/v1/nodes/a/status | false | false",
        "a/status                          | false | false",
        "''                                | false | false",
      })
  void aNodePublishesOnlyOnItsOwnTopicsAndRetainsOnlyPresence(
      String topic, boolean retain, boolean allowed) {
    assertEquals(allowed, TopicAcl.mayPublish(NODE_A, topic, retain));
  }

  @ParameterizedTest(name = "controller subscribing to [{0}] is allowed: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flotilla/v1/nodes/+/status                           | true",
        "flotilla/v1/nodes/a/desired                          | true",
        "flotilla/v1/#                                        | true",
        "$share/controllers/flotilla/v1/nodes/+/status        | true",
        "$share/controllers/flotilla/v1/nodes/+/cmd/reply     | true",
        "$share/g/flotilla/v1/#                               | true",
        // outside the Flotilla tree, directly or shared
        "#                                                    | false",
        "+/v1/nodes/+/status                                  | false",
        "flotilla/#                                           | false",
        "flotilla/v1/                                         | false",
        "flotilla/v2/nodes/+/status                           | false",
        "FLOTILLA/v1/nodes/+/status                           | false",
        "$share/controllers/#                                 | false",
        "$share/controllers/other/topic                       | false",
        // malformed shared subscriptions
        "$share//flotilla/v1/nodes/+/status                   | false",
        "$share/+/flotilla/v1/nodes/+/status                  | false",
        "$share/#/flotilla/v1/nodes/+/status                  | false",
        "$share/controllers                                   | false",
        "$SYS/#                                               | false",
        "''                                                   | false",
      })
  void theControllerSubscribesAnywhereUnderTheFlotillaRootAlsoShared(
      String filter, boolean allowed) {
    assertEquals(allowed, TopicAcl.maySubscribe(CONTROLLER, filter));
  }

  @ParameterizedTest(name = "controller publishing to [{0}] retain={1} is allowed: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flotilla/v1/nodes/a/desired  | true  | true",
        "flotilla/v1/nodes/a/desired  | false | true",
        "flotilla/v1/nodes/a/cmd      | false | true",
        "flotilla/v1/nodes/a/status   | true  | true",
        "flotilla/v1/nodes/+/desired  | true  | false",
        "flotilla/v1/#                | false | false",
        "flotilla/v2/nodes/a/desired  | true  | false",
        "other/topic                  | false | false",
        "''                           | false | false",
      })
  void theControllerPublishesAnywhereUnderTheFlotillaRoot(
      String topic, boolean retain, boolean allowed) {
    assertEquals(allowed, TopicAcl.mayPublish(CONTROLLER, topic, retain));
  }

  @Test
  void nullArgumentsAreProgrammingErrors() {
    assertThrows(NullPointerException.class, () -> TopicAcl.maySubscribe(null, "x"));
    assertThrows(NullPointerException.class, () -> TopicAcl.maySubscribe(NODE_A, null));
    assertThrows(NullPointerException.class, () -> TopicAcl.mayPublish(null, "x", false));
    assertThrows(NullPointerException.class, () -> TopicAcl.mayPublish(NODE_A, null, false));
  }
}
