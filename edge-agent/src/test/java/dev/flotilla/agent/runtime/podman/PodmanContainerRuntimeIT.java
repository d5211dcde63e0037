package dev.flotilla.agent.runtime.podman;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.ContainerInfo.State;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.WorkloadSpec.PortSpec;
import dev.flotilla.agent.model.WorkloadSpec.VolumeSpec;
import dev.flotilla.agent.runtime.ContainerRuntime.ExecResult;
import dev.flotilla.agent.runtime.ContainerRuntime.LogSink;
import dev.flotilla.agent.runtime.ContainerRuntime.RuntimeEvent;
import dev.flotilla.agent.runtime.ContainerRuntime.Stats;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.agent.testing.TestPodman;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PodmanContainerRuntime} against a real Podman service, through {@link TestPodman}. */
class PodmanContainerRuntimeIT {
  /** Every container here carries this label key, unique to the run: cleanup and listing. */
  private static final String RUN_LABEL =
      "flotilla.it-" + UUID.randomUUID().toString().substring(0, 8);

  /** Runs until stopped, and stops at once on SIGTERM (busybox sleep as PID 1 would not). */
  private static final List<String> SERVE =
      List.of("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait");

  private static TestPodman podman;
  private static PodmanContainerRuntime runtime;
  private static String image;

  @BeforeAll
  static void startPodman() {
    podman = TestPodman.start();
    image = podman.busyboxImage();
    runtime = new PodmanContainerRuntime(podman.socket());
  }

  @AfterEach
  void removeContainers() {
    podman.removeAllWithLabel(RUN_LABEL);
  }

  @AfterAll
  static void stopPodman() {
    if (runtime != null) {
      runtime.close();
    }
    if (podman != null) {
      podman.removeAllWithLabel(RUN_LABEL);
      podman.close();
    }
  }

  @Test
  void aCreatedContainerRunsWithItsLabelsEnvironmentPortsAndLimits() throws Exception {
    int hostPort = freePort();
    ContainerSpec spec =
        new ContainerSpec(
            name("web"),
            image,
            List.of(),
            List.of(
                "sh",
                "-c",
                "mkdir -p /tmp/www && echo \"hello $GREETING\" > /tmp/www/index.html"
                    + " && exec httpd -f -p 8080 -h /tmp/www"),
            Map.of("GREETING", "from-flotilla"),
            List.of(new PortSpec(8080, hostPort, false, "")),
            List.of(),
            250,
            64L * 1024 * 1024,
            Map.of(RUN_LABEL, "1", Labels.WORKLOAD, "web", Labels.SPEC_HASH, "abc123"));

    String id = runtime.create(spec);
    ContainerInfo created = runtime.inspect(id).orElseThrow();
    assertEquals(State.CREATED, created.state());
    assertEquals(Optional.empty(), created.startedAt());

    runtime.start(id);

    ContainerInfo running = runtime.inspect(spec.name()).orElseThrow();
    assertEquals(id, running.id());
    assertEquals(spec.name(), running.name());
    assertEquals(image, running.image());
    assertEquals(State.RUNNING, running.state());
    assertTrue(running.startedAt().isPresent());
    assertEquals(Optional.of("web"), running.workload());
    assertEquals(Optional.of("abc123"), running.specHash());

    List<ContainerInfo> listed = runtime.listByLabel(RUN_LABEL);
    assertEquals(List.of(id), listed.stream().map(ContainerInfo::id).toList());
    assertEquals(State.RUNNING, listed.get(0).state());
    assertEquals(spec.name(), listed.get(0).name());
    assertEquals("abc123", listed.get(0).labels().get(Labels.SPEC_HASH));

    assertEquals(
        "25000 100000 67108864",
        podman.podman(
            "inspect",
            "--format",
            "{{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.Memory}}",
            id));
    ExecResult memoryLimit =
        runtime.exec(
            id,
            List.of(
                "sh",
                "-c",
                "cat /sys/fs/cgroup/memory.max 2>/dev/null"
                    + " || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"),
            Duration.ofSeconds(10));
    assertEquals(new ExecResult(0, "67108864\n"), memoryLimit);

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await("httpd to answer on the published port " + hostPort)
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body(),
            body -> body.equals("hello from-flotilla\n"));
  }

  @Test
  void bindMountsAndNamedVolumesAreMountedWithTheirAccessMode(@TempDir Path hostDir)
      throws Exception {
    Files.writeString(hostDir.resolve("config.txt"), "from the host\n");
    String volume = "flotilla-it-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      String id =
          startServing(
              spec("mounts")
                  .volumes(
                      List.of(
                          new VolumeSpec(hostDir.toString(), "/config", true),
                          new VolumeSpec(volume, "/data", false))));

      ExecResult read = runtime.exec(id, List.of("cat", "/config/config.txt"), seconds(10));
      assertEquals(new ExecResult(0, "from the host\n"), read);
      ExecResult writeReadOnly = runtime.exec(id, List.of("touch", "/config/new"), seconds(10));
      assertTrue(writeReadOnly.exitCode() != 0, "a read-only bind mount took a write");
      ExecResult writeVolume =
          runtime.exec(
              id, List.of("sh", "-c", "echo kept > /data/state && cat /data/state"), seconds(10));
      assertEquals(new ExecResult(0, "kept\n"), writeVolume);
      assertEquals(volume, podman.podman("volume", "inspect", "--format", "{{.Name}}", volume));
    } finally {
      podman.removeAllWithLabel(RUN_LABEL);
      podman.podman("volume", "rm", "--force", volume);
    }
  }

  @Test
  void execReportsTheExitCodeAndTheCombinedOutputWithoutStreamHeaders() {
    String id = startServing(spec("exec"));

    ExecResult result =
        runtime.exec(
            id, List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));

    assertEquals(3, result.exitCode());
    assertEquals("out\nerr\n", result.output());
    assertEquals(new ExecResult(0, ""), runtime.exec(id, List.of("true"), seconds(10)));
    assertEquals(127, runtime.exec(id, List.of("/no/such/binary"), seconds(10)).exitCode());
  }

  @Test
  void execThatOutlivesItsTimeoutReturnsMinusOneWithTheOutputSoFar() {
    String id = startServing(spec("exec-timeout"));

    ExecResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                runtime.exec(
                    id, List.of("sh", "-c", "echo started; sleep 60"), Duration.ofMillis(700)));

    assertEquals(new ExecResult(-1, "started\n"), result);
  }

  @Test
  void execInAContainerThatIsNotRunningIsAConflict() {
    String id = runtime.create(spec("exec-stopped").build());

    ContainerRuntimeException e =
        assertThrows(
            ContainerRuntimeException.class, () -> runtime.exec(id, List.of("true"), seconds(5)));

    assertEquals(Kind.CONFLICT, e.kind());
    assertTrue(e.getMessage().contains("can only create exec sessions on running containers"));
  }

  /** Collects a log read; stops once {@code limit} bytes have arrived. */
  private static final class Collector implements LogSink {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    final List<Integer> sizes = new CopyOnWriteArrayList<>();
    final int limit;

    Collector(int limit) {
      this.limit = limit;
    }

    @Override
    public synchronized boolean accept(byte[] chunk) {
      sizes.add(chunk.length);
      bytes.writeBytes(chunk);
      return bytes.size() < limit;
    }

    synchronized String text() {
      return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void logsAreTheLastLinesOfStdoutAndStderrWithoutFrameHeaders() {
    String id =
        runtime.create(
            spec("logs-tail")
                .args(
                    List.of(
                        "sh",
                        "-c",
                        "for i in 1 2 3 4 5; do echo out $i; echo err $i >&2; done; sleep 600"))
                .build());
    runtime.start(id);
    await().atMost(Duration.ofSeconds(10)).until(() -> podman.podman("logs", id).contains("out 5"));

    Collector all = new Collector(Integer.MAX_VALUE);
    runtime.logs(id, -1, Duration.ZERO, all);
    // Podman keeps each stream in order, not always the interleaving between them.
    assertEquals(
        List.of(
            "err 1", "err 2", "err 3", "err 4", "err 5", "out 1", "out 2", "out 3", "out 4",
            "out 5"),
        all.text().lines().sorted().toList());

    Collector tail = new Collector(Integer.MAX_VALUE);
    runtime.logs(id, 3, Duration.ZERO, tail);
    // Three lines, Podman's choice of the last ones (it may favour one stream's order).
    assertEquals(3, tail.text().lines().count(), tail.text());
    assertTrue(all.text().lines().toList().containsAll(tail.text().lines().toList()), tail.text());
  }

  @Test
  void aLogReadStopsWhenTheSinkSaysSoAndPiecesAreAtMostSixteenKib() {
    String id =
        runtime.create(
            spec("logs-stop")
                .args(List.of("sh", "-c", "yes 0123456789abcdef | head -c 200000; sleep 600"))
                .build());
    runtime.start(id);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> podman.podman("logs", id).length() >= 190_000);

    Collector limited = new Collector(50_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> runtime.logs(id, -1, Duration.ofMinutes(1), limited));

    assertTrue(limited.bytes.size() >= 50_000, "read up to the limit: " + limited.bytes.size());
    assertTrue(limited.bytes.size() < 200_000, "and stopped there: " + limited.bytes.size());
    limited.sizes.forEach(n -> assertTrue(n <= PodmanContainerRuntime.LOG_CHUNK_BYTES, "" + n));
  }

  @Test
  void aFollowGoesOnWithNewLinesUntilTheContainerStops() {
    String id =
        runtime.create(
            spec("logs-follow")
                .args(List.of("sh", "-c", "for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.3; done"))
                .build());
    runtime.start(id);

    Collector followed = new Collector(Integer.MAX_VALUE);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20), () -> runtime.logs(id, -1, Duration.ofMinutes(1), followed));

    assertEquals(
        "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\n", followed.text(), "the whole run");
    assertEquals(State.EXITED, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void aFollowEndsWhenItsTimeIsOverWhileTheContainerRunsOn() {
    String id =
        runtime.create(
            spec("logs-follow-time")
                .args(
                    List.of(
                        "sh",
                        "-c",
                        "trap 'exit 0' TERM; while true; do echo t; sleep 0.2; done & wait"))
                .build());
    runtime.start(id);

    Collector followed = new Collector(Integer.MAX_VALUE);
    long started = System.nanoTime();
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> runtime.logs(id, 0, Duration.ofMillis(1500), followed));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(took.compareTo(Duration.ofMillis(1400)) >= 0, "followed its time: " + took);
    assertTrue(followed.text().lines().count() >= 3, "lines while following: " + followed.text());
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void aFollowOfAQuietContainerEndsAsSoonAsTheSinkAsksToStop() {
    String id = runtime.create(spec("logs-follow-stop").args(List.of("sleep", "600")).build());
    runtime.start(id);
    CompletableFuture<Void> stop = new CompletableFuture<>();
    LogSink reader =
        new LogSink() {
          @Override
          public boolean accept(byte[] chunk) {
            return true;
          }

          @Override
          public CompletionStage<Void> stopped() {
            return stop;
          }
        };
    CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS)
        .execute(() -> stop.complete(null));

    long started = System.nanoTime();
    assertTimeoutPreemptively(
        Duration.ofSeconds(15), () -> runtime.logs(id, 10, Duration.ofMinutes(5), reader));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "ended when asked, not after 5 min");
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void theLogOfAMissingContainerIsNotFound() {
    ContainerRuntimeException e =
        assertThrows(
            ContainerRuntimeException.class,
            () ->
                runtime.logs(
                    "no-such-container-" + UUID.randomUUID(), 10, Duration.ZERO, b -> true));
    assertEquals(Kind.NOT_FOUND, e.kind());
  }

  @Test
  void startingStoppingAndRemovingTwiceAreNotErrors() {
    String id = startServing(spec("idempotent"));
    runtime.start(id);

    runtime.stop(id, seconds(5));
    ContainerInfo stopped = runtime.inspect(id).orElseThrow();
    assertEquals(State.EXITED, stopped.state());
    assertEquals(0, stopped.exitCode());
    assertTrue(stopped.finishedAt().isPresent());
    runtime.stop(id, seconds(5));

    runtime.remove(id, false);
    runtime.remove(id, false);
    runtime.remove(id, true);
    assertEquals(Optional.empty(), runtime.inspect(id));
  }

  @Test
  void stoppingANeverStartedContainerIsNotAnError() {
    String id = runtime.create(spec("never-started").build());

    runtime.stop(id, seconds(1));

    assertEquals(State.CREATED, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void aContainerThatExitsReportsItsExitCode() {
    String id = runtime.create(spec("exits").args(List.of("sh", "-c", "exit 7")).build());
    runtime.start(id);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> runtime.inspect(id).orElseThrow().state() == State.EXITED);

    ContainerInfo exited = runtime.inspect(id).orElseThrow();
    assertEquals(7, exited.exitCode());
    ContainerInfo listed = runtime.listByLabel(RUN_LABEL).get(0);
    assertEquals(State.EXITED, listed.state());
    assertEquals(7, listed.exitCode());
    assertTrue(listed.finishedAt().isPresent());
  }

  @Test
  void removingARunningContainerWithoutForceIsAConflictAndWithForceRemovesIt() {
    String id = startServing(spec("remove-running"));

    ContainerRuntimeException e =
        assertThrows(ContainerRuntimeException.class, () -> runtime.remove(id, false));
    assertEquals(Kind.CONFLICT, e.kind());
    assertTrue(e.getMessage().contains("cannot remove container"), e.getMessage());

    runtime.remove(id, true);
    assertEquals(Optional.empty(), runtime.inspect(id));
  }

  @Test
  void creatingATakenNameIsAConflictThatKeepsPodmansMessage() {
    ContainerSpec spec = spec("duplicate").build();
    runtime.create(spec);

    ContainerRuntimeException e =
        assertThrows(ContainerRuntimeException.class, () -> runtime.create(spec));

    assertEquals(Kind.CONFLICT, e.kind());
    assertTrue(e.getMessage().contains("is already in use"), e.getMessage());
    assertTrue(e.getMessage().contains(spec.name()), e.getMessage());
  }

  @Test
  void callsOnAMissingContainerAreNotFoundExceptInspectAndRemove() {
    String missing = name("missing");

    assertEquals(Optional.empty(), runtime.inspect(missing));
    runtime.remove(missing, true);
    for (Runnable call :
        List.<Runnable>of(
            () -> runtime.start(missing),
            () -> runtime.stop(missing, seconds(1)),
            () -> runtime.exec(missing, List.of("true"), seconds(1)),
            () -> runtime.stats(missing))) {
      ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, call::run);
      assertEquals(Kind.NOT_FOUND, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains(missing), e.getMessage());
    }
  }

  @Test
  void creatingFromAMissingImageIsNotFoundAndPullsNothing() {
    String absent =
        "localhost/flotilla-test/absent:" + UUID.randomUUID().toString().substring(0, 8);

    ContainerRuntimeException e =
        assertThrows(
            ContainerRuntimeException.class,
            () -> runtime.create(spec("no-image").image(absent).build()));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("image not known"), e.getMessage());
    assertFalse(runtime.imageExists(absent));
  }

  @Test
  void imageExistsTellsAPresentImageFromAnAbsentOne() {
    assertTrue(runtime.imageExists(image));
    assertFalse(runtime.imageExists("localhost/flotilla-test/absent:1"));
  }

  @Test
  void pullingFromAnUnreachableRegistryFailsTypedAndPromptly() {
    ContainerRuntimeException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                assertThrows(
                    ContainerRuntimeException.class, () -> runtime.pull("localhost:5999/nope:1")));

    assertEquals(Kind.ENGINE_ERROR, e.kind());
    assertTrue(e.getMessage().contains("localhost:5999"), e.getMessage());
  }

  @Test
  void pullingAnInvalidReferenceFailsTyped() {
    ContainerRuntimeException e =
        assertThrows(ContainerRuntimeException.class, () -> runtime.pull("::not-a-reference"));

    assertEquals(Kind.ENGINE_ERROR, e.kind());
    assertTrue(e.getMessage().contains("invalid reference format"), e.getMessage());
  }

  @Test
  void statsOfARunningContainerReportCpuMemoryAndTheConfiguredLimit() {
    String id =
        startServing(
            spec("stats")
                .args(List.of("sh", "-c", "trap 'exit 0' TERM; while :; do :; done"))
                .cpuMillis(200)
                .memoryBytes(32L * 1024 * 1024));

    await("CPU use to show")
        .atMost(Duration.ofSeconds(15))
        .until(() -> runtime.stats(id), stats -> stats.cpuMillis() > 0);
    Stats stats = runtime.stats(id);

    int cpus = Runtime.getRuntime().availableProcessors();
    assertTrue(stats.cpuMillis() <= cpus * 1000L, "cpuMillis " + stats.cpuMillis());
    assertTrue(stats.memoryBytes() > 0, "memoryBytes " + stats.memoryBytes());
    assertEquals(32L * 1024 * 1024, stats.memoryLimitBytes());
  }

  @Test
  void statsWithoutAMemoryLimitReportTheLimitAsZeroAndOfAStoppedContainerAreAConflict() {
    String id = startServing(spec("stats-unlimited"));

    assertEquals(0, runtime.stats(id).memoryLimitBytes());

    runtime.stop(id, seconds(5));
    ContainerRuntimeException e =
        assertThrows(ContainerRuntimeException.class, () -> runtime.stats(id));
    assertEquals(Kind.CONFLICT, e.kind());
  }

  @Test
  void theEventStreamDeliversStartAndDiedForAContainerWithItsWorkload() throws Exception {
    List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    String id;
    try (AutoCloseable subscription = runtime.events(events::add)) {
      id = runtime.create(spec("events").args(List.of("sh", "-c", "exit 0")).build());
      runtime.start(id);

      await("start and died events for " + id)
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> actions(events, id), actions -> actions.containsAll(List.of("start", "died")));
    }
    List<String> actions = actions(events, id);
    assertTrue(actions.indexOf("start") < actions.indexOf("died"), actions.toString());
    assertTrue(
        events.stream()
            .filter(e -> e.containerId().equals(id))
            .allMatch(e -> e.workload().equals(Optional.of("events"))),
        events.toString());
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !threadsBefore.contains(t))
            .noneMatch(t -> t.getName().startsWith("flotilla-podman-events") && t.isAlive()),
        "the event thread outlived its handle");

    int seen = events.size();
    runtime.remove(id, true);
    await("no events after the handle was closed")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> events.size() == seen);
  }

  @Test
  void theEventStreamReconnectsAfterTheServiceRestartsAndReplaysWhatItMissed() throws Exception {
    List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = runtime.events(events::add)) {
      String id = startServing(spec("events-restart"));
      await().atMost(Duration.ofSeconds(10)).until(() -> actions(events, id).contains("start"));

      podman.stopService();
      podman.podman("kill", id); // while the service is down: only its event log sees this
      podman.startService();

      await("the died event from while the service was down")
          .atMost(Duration.ofSeconds(30))
          .until(() -> actions(events, id), actions -> actions.contains("died"));
      String next = runtime.create(spec("events-after").build());
      await("events after the reconnection")
          .atMost(Duration.ofSeconds(15))
          .until(() -> actions(events, next), actions -> actions.contains("create"));
    }
  }

  @Test
  void aMissingSocketIsUnavailableNamingThePathAndHowToStartTheService(@TempDir Path dir) {
    Path socket = dir.resolve("no-podman-here.sock");
    try (PodmanContainerRuntime absent = new PodmanContainerRuntime(socket)) {
      for (Runnable call :
          List.<Runnable>of(
              () -> absent.listByLabel(RUN_LABEL),
              () -> absent.inspect("x"),
              absent::ping,
              () -> absent.pull("localhost/x:1"))) {
        ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, call::run);
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        assertTrue(
            e.getMessage().contains("podman system service --time=0 unix://" + socket),
            e.getMessage());
      }
    }
  }

  @Test
  void aSocketNobodyListensOnIsUnavailable(@TempDir Path dir) throws IOException {
    Path socket = Files.createFile(dir.resolve("stale.sock"));
    try (PodmanContainerRuntime stale = new PodmanContainerRuntime(socket)) {
      ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, stale::ping);
      assertEquals(Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("nothing answers on the Podman socket " + socket));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static List<String> actions(List<RuntimeEvent> events, String id) {
    return events.stream()
        .filter(e -> e.containerId().equals(id))
        .map(RuntimeEvent::action)
        .toList();
  }

  private static String startServing(SpecBuilder spec) {
    String id = runtime.create(spec.build());
    runtime.start(id);
    return id;
  }

  private static SpecBuilder spec(String workload) {
    return new SpecBuilder(workload);
  }

  private static String name(String base) {
    return base + "-" + RUN_LABEL.substring(RUN_LABEL.indexOf('-') + 1);
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A labelled busybox container that serves until stopped, with what a test changes. */
  private static final class SpecBuilder {
    private final String workload;
    private String image = PodmanContainerRuntimeIT.image;
    private List<String> args = SERVE;
    private List<VolumeSpec> volumes = List.of();
    private long cpuMillis;
    private long memoryBytes;

    SpecBuilder(String workload) {
      this.workload = workload;
    }

    SpecBuilder image(String value) {
      image = value;
      return this;
    }

    SpecBuilder args(List<String> value) {
      args = value;
      return this;
    }

    SpecBuilder volumes(List<VolumeSpec> value) {
      volumes = value;
      return this;
    }

    SpecBuilder cpuMillis(long value) {
      cpuMillis = value;
      return this;
    }

    SpecBuilder memoryBytes(long value) {
      memoryBytes = value;
      return this;
    }

    ContainerSpec build() {
      return new ContainerSpec(
          name(workload),
          image,
          List.of(),
          args,
          Map.of(),
          List.of(),
          volumes,
          cpuMillis,
          memoryBytes,
          Map.of(RUN_LABEL, "1", Labels.WORKLOAD, workload));
    }
  }
}
