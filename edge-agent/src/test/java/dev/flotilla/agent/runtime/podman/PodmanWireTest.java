package dev.flotilla.agent.runtime.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.ContainerInfo.State;
import dev.flotilla.agent.model.WorkloadSpec.PortSpec;
import dev.flotilla.agent.model.WorkloadSpec.VolumeSpec;
import dev.flotilla.agent.runtime.ContainerRuntime.RuntimeEvent;
import dev.flotilla.agent.runtime.ContainerRuntime.Stats;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.agent.runtime.podman.PodmanWire.ExecOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The libpod wire mapping, on answers recorded from Podman 4.3.1. */
class PodmanWireTest {

  @ParameterizedTest
  @CsvSource({
    "configured, CREATED",
    "created, CREATED",
    "initialized, CREATED",
    "running, RUNNING",
    "paused, PAUSED",
    "stopping, STOPPING",
    "exited, EXITED",
    "stopped, EXITED",
    "removing, EXITED",
    "Running, RUNNING",
    "unknown, UNKNOWN",
    "'', UNKNOWN",
    "dancing, UNKNOWN"
  })
  void podmanStatesMapToTheAgentsStates(String podman, State expected) {
    assertEquals(expected, PodmanWire.state(podman));
  }

  @Test
  void anInspectAnswerMapsToContainerInfoWithGoZeroTimesAsAbsent() throws IOException {
    String json =
        """
        {"Id":"ed5415c0","Name":"p1","Image":"f39d5720","ImageName":"localhost/flotilla-test/busybox:1",
         "State":{"Status":"running","Running":true,"ExitCode":0,
                  "StartedAt":"2026-11-22T05:12:11.868251777Z","FinishedAt":"0001-01-01T00:00:00Z"},
         "Config":{"Labels":{"flotilla.workload":"web","flotilla.spec-hash":"abc"},"Image":"x"}}
        """;

    ContainerInfo info = PodmanWire.fromInspect(PodmanWire.object(PodmanWire.read(json)));

    assertEquals(
        new ContainerInfo(
            "ed5415c0",
            "p1",
            "localhost/flotilla-test/busybox:1",
            Map.of("flotilla.workload", "web", "flotilla.spec-hash", "abc"),
            State.RUNNING,
            0,
            Optional.of(Instant.parse("2026-11-22T05:12:11.868251777Z")),
            Optional.empty()),
        info);
  }

  @Test
  void anInspectAnswerWithoutLabelsOrStateStillMaps() throws IOException {
    ContainerInfo info =
        PodmanWire.fromInspect(
            PodmanWire.object(
                PodmanWire.read("{\"Id\":\"a\",\"Name\":\"/n\",\"Config\":{\"Labels\":null}}")));

    assertEquals("n", info.name());
    assertEquals(Map.of(), info.labels());
    assertEquals(State.UNKNOWN, info.state());
    assertEquals(Optional.empty(), info.startedAt());
  }

  @Test
  void aListEntryMapsWithEpochSecondsAndNegativeTimesAsAbsent() throws IOException {
    String json =
        """
        {"Id":"f34bf8a1","Names":["p5"],"Image":"localhost/flotilla-test/busybox:1",
         "Labels":{"flotilla.workload":"web"},"State":"exited","ExitCode":4,
         "StartedAt":1795324402,"ExitedAt":-62135596800}
        """;

    ContainerInfo info = PodmanWire.fromListEntry(PodmanWire.object(PodmanWire.read(json)));

    assertEquals("p5", info.name());
    assertEquals(State.EXITED, info.state());
    assertEquals(4, info.exitCode());
    assertEquals(Optional.of(Instant.ofEpochSecond(1795324402)), info.startedAt());
    assertEquals(Optional.empty(), info.finishedAt());
    assertEquals(Optional.of("web"), info.workload());
  }

  @Test
  void unreadableTimestampsAreAbsent() {
    assertEquals(Optional.empty(), PodmanWire.timestamp("yesterday"));
    assertEquals(Optional.empty(), PodmanWire.timestamp(null));
    assertEquals(Optional.empty(), PodmanWire.epochSeconds(0));
  }

  @Test
  void theCreateBodyCarriesEverythingTheSpecAsks() throws IOException {
    ContainerSpec spec =
        new ContainerSpec(
            "web",
            "localhost/web:1",
            List.of("/bin/sh", "-c"),
            List.of("exec httpd -f"),
            Map.of("A", "b"),
            List.of(new PortSpec(80, 8080, false, ""), new PortSpec(53, 5353, true, "127.0.0.1")),
            List.of(
                new VolumeSpec("/srv/web", "/www", true), new VolumeSpec("cache", "/cache", false)),
            250,
            64L * 1024 * 1024,
            Map.of("flotilla.workload", "web"));

    // Written and read back, as Podman will read it.
    Map<String, Object> body =
        PodmanWire.object(PodmanWire.read(PodmanWire.write(PodmanWire.createBody(spec))));

    assertEquals("web", body.get("name"));
    assertEquals("localhost/web:1", body.get("image"));
    assertEquals(List.of("/bin/sh", "-c"), body.get("entrypoint"));
    assertEquals(List.of("exec httpd -f"), body.get("command"));
    assertEquals(Map.of("A", "b"), body.get("env"));
    assertEquals(Map.of("flotilla.workload", "web"), body.get("labels"));
    assertEquals(
        List.of(
            Map.of("container_port", 80, "host_port", 8080, "protocol", "tcp"),
            Map.of(
                "container_port",
                53,
                "host_port",
                5353,
                "protocol",
                "udp",
                "host_ip",
                "127.0.0.1")),
        body.get("portmappings"));
    assertEquals(
        List.of(
            Map.of(
                "type",
                "bind",
                "source",
                "/srv/web",
                "destination",
                "/www",
                "options",
                List.of("rbind", "ro"))),
        body.get("mounts"));
    assertEquals(
        List.of(Map.of("Name", "cache", "Dest", "/cache", "Options", List.of("rw"))),
        body.get("volumes"));
    assertEquals(
        Map.of(
            "cpu", Map.of("quota", 25000, "period", 100000),
            "memory", Map.of("limit", 67108864)),
        body.get("resource_limits"));
  }

  @Test
  void aMinimalSpecLeavesTheImagesDefaultsAlone() {
    ContainerSpec spec =
        new ContainerSpec(
            "n", "i", List.of(), List.of(), Map.of(), List.of(), List.of(), 0, 0, Map.of());

    assertEquals(Map.of("name", "n", "image", "i"), PodmanWire.createBody(spec));
  }

  @Test
  void aTinyCpuLimitIsRaisedToTheKernelsSmallestQuota() {
    ContainerSpec spec =
        new ContainerSpec(
            "n", "i", List.of(), List.of(), Map.of(), List.of(), List.of(), 1, 0, Map.of());

    assertEquals(
        Map.of("cpu", Map.of("quota", 1000L, "period", 100000L)),
        PodmanWire.createBody(spec).get("resource_limits"));
  }

  @Test
  void statsReadCpuAsMillicoresCappedAtTheMachinesCpus() throws IOException {
    String sample =
        """
        {"Error":null,"Stats":[{"CPU":%s,"PerCPU":[5671392,37165873],"MemUsage":708608,
         "MemLimit":25276510208}]}
        """;

    assertEquals(
        Optional.of(new Stats(6, 708608, 0)),
        PodmanWire.stats(PodmanWire.object(PodmanWire.read(sample.formatted("0.6154"))), 0));
    assertEquals(
        Optional.of(new Stats(2000, 708608, 64)),
        PodmanWire.stats(PodmanWire.object(PodmanWire.read(sample.formatted("401.11"))), 64));
  }

  @Test
  void statsWithoutASampleAreEmpty() throws IOException {
    assertEquals(
        Optional.empty(),
        PodmanWire.stats(PodmanWire.object(PodmanWire.read("{\"Error\":{},\"Stats\":null}")), 0));
  }

  @Test
  void aContainerEventMapsWithItsWorkloadAndTime() throws IOException {
    String json =
        """
        {"status":"died","id":"f34bf8a1","from":"localhost/flotilla-test/busybox:1","Type":"container",
         "Action":"died","Actor":{"ID":"f34bf8a1","Attributes":{"containerExitCode":"4",
         "flotilla.workload":"web","image":"localhost/flotilla-test/busybox:1","name":"p5"}},
         "scope":"local","time":1795324402,"timeNano":1795324402496762582}
        """;

    assertEquals(
        Optional.of(
            new PodmanWire.TimedEvent(
                new RuntimeEvent("f34bf8a1", "died", Optional.of("web")), 1795324402496762582L)),
        PodmanWire.event(PodmanWire.object(PodmanWire.read(json))));
  }

  @Test
  void eventsAboutOtherThingsOrWithoutAContainerAreDropped() throws IOException {
    assertEquals(
        Optional.empty(),
        PodmanWire.event(
            PodmanWire.object(
                PodmanWire.read("{\"Type\":\"image\",\"Action\":\"pull\",\"id\":\"x\"}"))));
    assertEquals(Optional.empty(), PodmanWire.event(Map.of("Type", "container")));
    assertEquals(Optional.empty(), PodmanWire.event(PodmanWire.readObject("not json")));
  }

  @ParameterizedTest
  @CsvSource({
    "404, no such container, '', NOT_FOUND",
    "500, image not known, '', NOT_FOUND",
    "500, no such image, '', NOT_FOUND",
    "409, '', '', CONFLICT",
    "500, that name is already in use, '', CONFLICT",
    "500, container state improper, '', CONFLICT",
    "400, '', '', BAD_REQUEST",
    "500, invalid argument, '', BAD_REQUEST",
    "500, invalid character 'o', decode(): invalid character, BAD_REQUEST",
    "500, no such file or directory, '', ENGINE_ERROR",
    "500, '', '', ENGINE_ERROR",
    "503, '', '', ENGINE_ERROR",
    "422, '', '', BAD_REQUEST"
  })
  void failuresAreTypedByStatusAndPodmansCause(
      int status, String cause, String message, Kind expected) {
    assertEquals(expected, PodmanWire.kind(status, cause, message));
  }

  @Test
  void theErrorTextKeepsPodmansMessageAndAddsACauseItLacks() {
    String duplicate =
        "{\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the"
            + " container name \\\"p1\\\" is already in use by ed54: that name is already in use\","
            + "\"response\":500}";
    assertEquals(
        "creating container storage: the container name \"p1\" is already in use by ed54: that"
            + " name is already in use",
        PodmanWire.errorText(duplicate, PodmanWire.readObject(duplicate)));

    String separate = "{\"cause\":\"boom\",\"message\":\"it failed\"}";
    assertEquals(
        "it failed (boom)", PodmanWire.errorText(separate, PodmanWire.readObject(separate)));

    assertEquals("plain text", PodmanWire.errorText(" plain text\n", Map.of()));
  }

  @Test
  void execOutputStripsTheStreamHeadersAndKeepsStdoutAndStderrInOrder() throws IOException {
    ExecOutput output = new ExecOutput(1024);

    output.readFrom(frames(frame(1, "out\n"), frame(2, "err\n"), frame(1, "")));

    assertEquals("out\nerr\n", output.text());
    assertFalse(output.truncated());
  }

  @Test
  void execOutputBeyondTheLimitIsReadAndDropped() throws IOException {
    ExecOutput output = new ExecOutput(5);
    InputStream in = frames(frame(1, "0123"), frame(1, "456789"));

    output.readFrom(in);

    assertEquals("01234", output.text());
    assertTrue(output.truncated());
    assertEquals(-1, in.read());
  }

  @Test
  void execOutputWithoutFramesIsTakenRaw() throws IOException {
    ExecOutput output = new ExecOutput(1024);

    output.readFrom(
        new ByteArrayInputStream("raw text, no headers".getBytes(StandardCharsets.UTF_8)));

    assertEquals("raw text, no headers", output.text());
  }

  @Test
  void execOutputKeepsWhatArrivedBeforeAStreamBroke() {
    ExecOutput output = new ExecOutput(1024);
    byte[] whole = frames(frame(1, "partial\n"), frame(1, "lost")).readAllBytes();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2);

    assertThrows(IOException.class, () -> output.readFrom(new ByteArrayInputStream(cut)));

    assertEquals("partial\nlo", output.text());
  }

  private static byte[] frame(int stream, String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(stream);
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(payload.length >>> 24);
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static ByteArrayInputStream frames(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      out.writeBytes(frame);
    }
    return new ByteArrayInputStream(out.toByteArray());
  }
}
