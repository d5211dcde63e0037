package dev.flotilla.agent.bench;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.podman.PodmanContainerRuntime;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The agent's footprint as a gateway runs it: resident memory while idle with 10 workloads, and the
 * time from process start to the end of its first reconcile pass, for four ways of running the same
 * jar: JVM defaults on the full JDK, the tuned flags, the tuned flags on the jlinked runtime, and
 * that plus the CDS archive (what {@code bin/flotilla-agent} does). Needs the gateway package built
 * ({@code ./flotilla build}).
 *
 * <p>Run with {@code ./flotilla bench-agent footprint}.
 */
public final class AgentFootprintBenchmark {
  private static final int WORKLOADS = 10;
  private static final int ROUNDS = 3;
  private static final long IDLE_SECONDS = 20;

  private record Variant(String name, List<String> command) {}

  private record Sample(long firstReconcileMs, long rssKb, long peakKb) {}

  private AgentFootprintBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dist = Path.of(args.length > 0 ? args[0] : "edge-agent/target/flotilla-agent-0.1.0");
    if (!Files.isDirectory(dist.resolve("runtime"))) {
      throw new IllegalStateException(dist + " has no runtime/: build the package first");
    }
    Path dir = Files.createTempDirectory("flotilla-footprint");
    KeyPair keys = SigningKeys.generate();
    NodeId node = new NodeId("gw-footprint");
    try (TestPodman podman = TestPodman.start();
        TestBroker broker = TestBroker.start(dir.resolve("broker"));
        PodmanContainerRuntime runtime = new PodmanContainerRuntime(podman.socket())) {
      podman.removeAllWithLabel(Labels.WORKLOAD);
      DesiredState.Builder state =
          DesiredState.newBuilder().setNodeId(node.value()).setGeneration(1);
      for (int i = 0; i < WORKLOADS; i++) {
        state.addWorkloads(
            Workload.newBuilder()
                .setName("w" + i)
                .setImage(podman.busyboxImage())
                .addCommand("/bin/sleep")
                .addArgs("86400"));
      }
      try (TestMqttClient controller = TestMqttClient.connect(broker.uri(), "bench")) {
        controller.publishRetained(
            Topics.desired(node), new DesiredStateSigner(keys).sign(state.build()).toByteArray());
      }
      Path config = dir.resolve("agent.properties");
      Files.writeString(
          config,
          "node.id="
              + node
              + "\nbroker.url="
              + broker.uri()
              + "\ncontroller.public-key="
              + SigningKeys.encodePublic(keys.getPublic())
              + "\npodman.socket="
              + podman.socket()
              + "\ndata.dir="
              + dir.resolve("agent")
              + "\n");
      List<String> tuned =
          Files.readAllLines(dist.resolve("jvm.options")).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .toList();
      String jdkJava = ProcessHandle.current().info().command().orElse("java");
      String jar = dist.resolve("flotilla-agent.jar").toString();
      List<Variant> variants =
          List.of(
              new Variant("full JDK, default flags", List.of(jdkJava, "-jar", jar)),
              new Variant("full JDK, tuned flags", flags(jdkJava, tuned, jar)),
              new Variant(
                  "jlinked runtime, tuned flags",
                  flags(dist.resolve("runtime/bin/java").toString(), tuned, jar)),
              new Variant(
                  "jlinked runtime, tuned flags, CDS (bin/flotilla-agent)",
                  List.of(dist.resolve("bin/flotilla-agent").toString())));
      System.out.printf(
          Locale.ROOT,
          "%-56s %18s %14s %14s%n",
          "variant (median of " + ROUNDS + ")",
          "first reconcile",
          "idle RSS",
          "peak RSS");
      for (Variant v : variants) {
        List<Sample> samples = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
          samples.add(measure(v, config, dir, runtime));
        }
        System.out.printf(
            Locale.ROOT,
            "%-56s %15d ms %11.1f MB %11.1f MB%n",
            v.name(),
            median(samples.stream().mapToLong(Sample::firstReconcileMs).toArray()),
            median(samples.stream().mapToLong(Sample::rssKb).toArray()) / 1024.0,
            median(samples.stream().mapToLong(Sample::peakKb).toArray()) / 1024.0);
      }
      podman.removeAllWithLabel(Labels.WORKLOAD);
    }
  }

  private static List<String> flags(String java, List<String> flags, String jar) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(flags);
    cmd.add("-jar");
    cmd.add(jar);
    return cmd;
  }

  private static Sample measure(Variant v, Path config, Path dir, PodmanContainerRuntime runtime)
      throws IOException, InterruptedException {
    Path log = dir.resolve("agent.log");
    List<String> cmd = new ArrayList<>(v.command());
    cmd.add("--config");
    cmd.add(config.toString());
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long firstReconcile = -1;
      while (firstReconcile < 0) {
        if (Files.readString(log).contains("agent.first-reconcile")) {
          firstReconcile = (System.nanoTime() - start) / 1_000_000;
        } else if (!p.isAlive()) {
          throw new IllegalStateException(v.name() + " exited: " + Files.readString(log));
        } else {
          TimeUnit.MILLISECONDS.sleep(2);
        }
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
          throw new IllegalStateException(v.name() + " never reconciled: " + Files.readString(log));
        }
      }
      while (runtime.listByLabel(Labels.WORKLOAD).stream()
              .filter(c -> c.state() == ContainerInfo.State.RUNNING)
              .count()
          < WORKLOADS) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      TimeUnit.SECONDS.sleep(IDLE_SECONDS);
      String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
      return new Sample(firstReconcile, kb(status, "VmRSS:"), kb(status, "VmHWM:"));
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  private static long kb(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
      }
    }
    throw new IllegalStateException(field + " not in /proc status");
  }

  private static long median(long[] values) {
    java.util.Arrays.sort(values);
    return values[values.length / 2];
  }
}
