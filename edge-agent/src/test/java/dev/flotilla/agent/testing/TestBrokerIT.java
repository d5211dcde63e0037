package dev.flotilla.agent.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBrokerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start(dir);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void keepsRetainedMessagesAndItsPortAcrossARestart() {
    int port = broker.port();
    assertEquals("tcp://127.0.0.1:" + port, broker.uri());
    byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
    try (TestMqttClient publisher = TestMqttClient.connect(broker.uri(), "publisher")) {
      publisher.publishRetained("restart/retained", payload);
    }

    broker.stop();
    assertThrows(IllegalStateException.class, () -> TestMqttClient.connect(broker.uri(), "x"));
    broker.start();

    assertTrue(broker.running());
    assertEquals(port, broker.port());
    try (TestMqttClient reader = TestMqttClient.connect(broker.uri(), "reader")) {
      reader.subscribe("restart/#");
      List<TestMqttClient.Received> got = reader.awaitMessages("restart/retained", 1, WAIT);
      assertArrayEquals(payload, got.get(0).payload());
      assertTrue(got.get(0).retained());
      reader.clearRetained("restart/retained");
    }
  }

  @Test
  void collectsLiveMessagesWithTheirRetainFlag() {
    try (TestMqttClient a = TestMqttClient.connect(broker.uri(), "a");
        TestMqttClient b = TestMqttClient.connect(broker.uri(), "b")) {
      a.subscribe("live/+");
      b.publish("live/one", new byte[] {1});
      b.publishRetained("live/two", new byte[] {2});

      assertEquals(
          List.of(new TestMqttClient.Received("live/one", new byte[] {1}, false)),
          a.awaitMessages("live/one", 1, WAIT));
      assertTrue(a.awaitMessages("live/two", 1, WAIT).get(0).retained());
      b.clearRetained("live/two");
    }
  }
}
