package dev.flotilla.agent.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBrokerIT {
  @TempDir Path dir;

  @Test
  void keepsRetainedMessagesAndItsPortAcrossARestart() {
    try (TestBroker broker = TestBroker.start(dir)) {
      int port = broker.port();
      assertEquals("tcp://127.0.0.1:" + port, broker.uri());
      byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
      try (TestMqttClient publisher = TestMqttClient.connect(broker.uri(), "publisher")) {
        publisher.publishRetained("t/retained", payload);
      }

      broker.stop();
      assertThrows(IllegalStateException.class, () -> TestMqttClient.connect(broker.uri(), "x"));
      broker.start();

      assertEquals(port, broker.port());
      try (TestMqttClient reader = TestMqttClient.connect(broker.uri(), "reader")) {
        reader.subscribe("t/#");
        List<TestMqttClient.Received> got =
            reader.awaitMessages("t/retained", 1, Duration.ofSeconds(10));
        assertArrayEquals(payload, got.get(0).payload());
        assertTrue(got.get(0).retained());

        reader.clearRetained("t/retained");
      }
    }
  }

  @Test
  void collectsLiveMessagesWithTheirRetainFlag() {
    try (TestBroker broker = TestBroker.start(dir);
        TestMqttClient a = TestMqttClient.connect(broker.uri(), "a");
        TestMqttClient b = TestMqttClient.connect(broker.uri(), "b")) {
      a.subscribe("live/+");
      b.publish("live/one", new byte[] {1});
      b.publishRetained("live/two", new byte[] {2});

      a.awaitMessages("live/two", 1, Duration.ofSeconds(10));
      assertEquals(
          List.of(new TestMqttClient.Received("live/one", new byte[] {1}, false)),
          a.awaitMessages("live/one", 1, Duration.ofSeconds(10)));
      assertTrue(a.messages("live/two").get(0).retained());
    }
  }
}
