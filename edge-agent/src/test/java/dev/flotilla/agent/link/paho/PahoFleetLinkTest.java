package dev.flotilla.agent.link.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.PublishFailedException;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Topics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the link decides without a broker. */
class PahoFleetLinkTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  static LinkSettings settings(String uri, Duration sessionExpiry) {
    return new LinkSettings(
        uri,
        new NodeId("gw-001"),
        "",
        sessionExpiry,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        64,
        "test",
        "boot",
        () -> 0);
  }

  @Test
  void refusesABrokerUriPahoCannotUse() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PahoFleetLink(settings("http://broker:1883", Duration.ofHours(1)), scheduler));
    assertTrue(e.getMessage().contains("brokerUri"), e.getMessage());
  }

  @Test
  void refusesASessionThatNeverExpires() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PahoFleetLink(
                    settings("tcp://127.0.0.1:1883", Duration.ofSeconds(0xFFFF_FFFFL)), scheduler));
    assertTrue(e.getMessage().contains("sessionExpiry"), e.getMessage());
  }

  @Test
  void refusesASessionThatEndsAtDisconnect() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PahoFleetLink(settings("tcp://127.0.0.1:1883", Duration.ZERO), scheduler));
  }

  @Test
  void failsAPublishAtOnceBeforeItIsStarted() {
    try (PahoFleetLink link =
        new PahoFleetLink(settings("tcp://127.0.0.1:1883", Duration.ofHours(1)), scheduler)) {
      CompletableFuture<Void> result = link.publish(Topics.Kind.STATUS, new byte[] {1});

      assertTrue(result.isCompletedExceptionally());
      ExecutionException e = assertThrows(ExecutionException.class, result::get);
      PublishFailedException failure = assertInstanceOf(PublishFailedException.class, e.getCause());
      assertEquals(PublishFailedException.Reason.NOT_CONNECTED, failure.reason());
      assertFalse(link.connected());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Topics.Kind.class,
      names = {"DESIRED", "COMMAND", "PRESENCE"})
  void refusesToPublishOnTopicsTheNodeDoesNotOwnThroughTheLink(Topics.Kind kind) {
    try (PahoFleetLink link =
        new PahoFleetLink(settings("tcp://127.0.0.1:1883", Duration.ofHours(1)), scheduler)) {
      assertThrows(IllegalArgumentException.class, () -> link.publish(kind, new byte[] {1}));
    }
  }

  @Test
  void startsOnlyOnceAndClosesIdempotently() {
    FleetLink.Listener quiet =
        new FleetLink.Listener() {
          @Override
          public void onDesired(byte[] payload) {}

          @Override
          public void onConnected() {}

          @Override
          public void onConnectionLost(String cause) {}
        };
    PahoFleetLink link =
        new PahoFleetLink(settings("tcp://127.0.0.1:1", Duration.ofHours(1)), scheduler);
    link.start(quiet);
    assertThrows(IllegalStateException.class, () -> link.start(quiet));
    link.close();
    link.close();

    CompletableFuture<Void> result = link.publish(Topics.Kind.EVENTS, new byte[] {1});
    ExecutionException e = assertThrows(ExecutionException.class, result::get);
    assertEquals(
        PublishFailedException.Reason.CLOSED,
        assertInstanceOf(PublishFailedException.class, e.getCause()).reason());
  }
}
