package dev.flotilla.simulator.bench;

import ch.qos.logback.classic.LoggerContext;
import dev.flotilla.agent.Agent;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.paho.PahoFleetLink;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.controller.Controller;
import dev.flotilla.controller.ControllerSettings;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.simulator.ControllerFleet;
import dev.flotilla.simulator.node.VirtualNode;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * How many MQTT sessions of virtual nodes fit in one JVM (groundwork for issue 7): for each level
 * N, the real controller in-process (embedded HiveMQ broker, SQLite store), N nodes enrolled
 * through the fleet service, and N {@link VirtualNode}s, each with its own Paho client and SQLite
 * store, sharing one scheduler and three small pools. It measures the time until every link is
 * connected and the controller sees every node READY, then the time until one every-node deployment
 * runs on every simulated runtime and the controller sees every node converged; and at each step
 * live threads (grouped by name, so Paho's own show), heap used after a full GC, RSS, open file
 * descriptors, memory mappings and process CPU time.
 *
 * <p>Each level runs in a fresh JVM (the same java, JVM flags and class path), so nothing of one
 * level is left in the next; the first level that fails or passes its time limit stops the run.
 * Node stores live under {@code /dev/shm} when it exists, so that SQLite's fsyncs do not time the
 * disk.
 *
 * <p>With {@code --links-only}, each node is only the {@link PahoFleetLink} a virtual node builds
 * (same settings, started with a listener that does nothing): no store, no core, no deployment. It
 * shows what the MQTT sessions cost without the node's SQLite store.
 *
 * <p>Run with {@code ./flotilla bench-sessions [--limit=SECONDS] [--links-only] [N...]} (default
 * 1000 2000 5000 10000, limit 300 s per level for connecting and as much again for converging); JVM
 * flags such as {@code -Xmx} come from {@code JAVA_OPTS}. Prints its figures.
 */
public final class SessionScaleBenchmark {
  private static final List<Integer> DEFAULT_LEVELS = List.of(1_000, 2_000, 5_000, 10_000);
  private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(300);
  private static final String LEVEL_FLAG = "--level";
  private static final String LIMIT_FLAG = "--limit=";
  private static final String LINKS_ONLY_FLAG = "--links-only";
  private static final String WORKLOAD = "probe";
  private static final String MANIFEST =
      """
      apiVersion: flotilla.dev/v1
      kind: Deployment
      metadata: {name: probe}
      spec:
        template:
          image: registry.example/probe:1
      """;

  private SessionScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration limit = DEFAULT_LIMIT;
    boolean oneLevel = false;
    boolean linksOnly = false;
    List<Integer> levels = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith(LIMIT_FLAG)) {
        limit = Duration.ofSeconds(Long.parseLong(a.substring(LIMIT_FLAG.length())));
      } else if (a.equals(LEVEL_FLAG)) {
        oneLevel = true;
      } else if (a.equals(LINKS_ONLY_FLAG)) {
        linksOnly = true;
      } else {
        levels.add(Integer.parseInt(a));
      }
    }
    if (levels.isEmpty()) {
      levels = DEFAULT_LEVELS;
    }
    if (oneLevel) {
      boolean ok;
      try {
        ok = new LevelRun(levels.get(0), limit, linksOnly).run();
      } catch (Throwable t) {
        System.out.println("  FAILED: " + t);
        ok = false;
      }
      System.out.flush();
      // Whatever a failed level left running (Paho threads, the broker) must not keep it alive.
      Runtime.getRuntime().halt(ok ? 0 : 1);
      return;
    }
    printMachine();
    for (int n : levels) {
      int rc = fork(n, limit, linksOnly);
      if (rc != 0) {
        System.out.printf("level %d did not pass (exit %d): stopping here%n", n, rc);
        break;
      }
    }
  }

  /** Runs one level in a fresh JVM with this JVM's flags; returns its exit status. */
  private static int fork(int n, Duration limit, boolean linksOnly)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SessionScaleBenchmark.class.getName());
    command.add(LEVEL_FLAG);
    command.add(LIMIT_FLAG + limit.toSeconds());
    if (linksOnly) {
      command.add(LINKS_ONLY_FLAG);
    }
    command.add(Integer.toString(n));
    Process p = new ProcessBuilder(command).inheritIO().start();
    // Connecting and converging have a limit each; closing gets a few minutes more.
    if (!p.waitFor(2 * limit.toSeconds() + 240, TimeUnit.SECONDS)) {
      System.out.printf("level %d: still running past its limits; killed%n", n);
      p.destroyForcibly();
      p.waitFor();
      return 124;
    }
    return p.exitValue();
  }

  private static void printMachine() {
    Runtime rt = Runtime.getRuntime();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "machine: %d processors, %.1f GiB memory; %s %s (%s); JVM flags %s; max heap %d MiB%n",
        rt.availableProcessors(),
        os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.vendor"),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        rt.maxMemory() / (1024 * 1024));
    System.out.printf(
        "limits: %s; %s; kernel.threads-max %s, kernel.pid_max %s, vm.max_map_count %s%n",
        procLimit("Max open files"),
        procLimit("Max processes"),
        read("/proc/sys/kernel/threads-max"),
        read("/proc/sys/kernel/pid_max"),
        read("/proc/sys/vm/max_map_count"));
  }

  private static String procLimit(String name) {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
      return lines
          .filter(l -> l.startsWith(name))
          .map(l -> l.replaceAll("\\s{2,}", " ").trim())
          .findFirst()
          .orElse(name + " unknown");
    } catch (IOException e) {
      return name + " unknown";
    }
  }

  private static String read(String file) {
    // Not Files.readString: /proc files report a size of 0, and it returned one character here.
    try (Stream<String> lines = Files.lines(Path.of(file))) {
      return lines.findFirst().orElse("unknown").trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** One level in this JVM: start everything, measure, close. */
  private static final class LevelRun {
    private final int n;
    private final Duration limit;
    private final boolean linksOnly;
    private final WarningCounter warnings = new WarningCounter();
    private final AtomicInteger uncaught = new AtomicInteger();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();

    LevelRun(int n, Duration limit, boolean linksOnly) {
      this.n = n;
      this.limit = limit;
      this.linksOnly = linksOnly;
    }

    boolean run() throws IOException {
      quietLogs();
      Thread.setDefaultUncaughtExceptionHandler(
          (t, e) -> {
            if (uncaught.incrementAndGet() <= 5) {
              System.out.println("  uncaught in " + t.getName() + ": " + e);
            }
          });
      System.out.printf(
          "%nlevel %d%s (fresh JVM, max heap %d MiB)%n",
          n,
          linksOnly ? ", links only: Paho links without store or core, no deployment" : "",
          maxHeapMiB());
      Path base = Path.of("/dev/shm");
      Path dir =
          Files.isDirectory(base)
              ? Files.createTempDirectory(base, "flotilla-sessions-")
              : Files.createTempDirectory("flotilla-sessions-");
      List<Sample> samples = new ArrayList<>();
      samples.add(Sample.take("JVM started, nothing else"));

      ScheduledExecutorService scheduler =
          Executors.newScheduledThreadPool(2, named("sim-scheduler"));
      ExecutorService pool = Executors.newFixedThreadPool(4, named("sim-pool"));
      ExecutorService pulls = Executors.newFixedThreadPool(2, named("sim-pulls"));
      ExecutorService probes = Executors.newFixedThreadPool(2, named("sim-probes"));
      VirtualNode.Threads threads = new VirtualNode.Threads(scheduler, pool, pulls, probes);
      List<Session> nodes = new ArrayList<>(n);
      List<SimulatedContainerRuntime> runtimes = new ArrayList<>(n);
      Controller controller = null;
      String failure = null;
      try {
        controller =
            Controller.start(
                settings(dir.resolve("controller")), new SimpleMeterRegistry(), clock());
        FleetService fleet = controller.fleet();
        String token = fleet.createEnrollmentToken("session-scale", n, Duration.ofHours(2)).token();
        long t = System.nanoTime();
        List<FleetService.Enrollment> enrolled = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          enrolled.add(fleet.enroll(token, nodeId(i), Map.of(), "generic-x86-64", "127.0.0.1"));
        }
        double enrollS = seconds(System.nanoTime() - t);
        // A label change answers after its dispatch run: the enrollments' runs are over by then.
        fleet.label(nodeId(0), Map.of("bench", "sessions"));
        System.out.printf("  enrolled %d nodes through the fleet service in %.1f s%n", n, enrollS);
        samples.add(Sample.take("controller + broker up, " + n + " nodes enrolled, none started"));
        threadBean.resetPeakThreadCount();

        // ---- start every node, then wait until every link is up and the controller sees it
        long cpu0 = cpuNanos();
        long startedAt = System.nanoTime();
        for (int i = 0; i < n && failure == null; i++) {
          try {
            FleetService.Enrollment e = enrolled.get(i);
            VirtualNode.Settings settings =
                VirtualNode.Settings.defaults(
                    e.nodeId(),
                    e.brokerUrl(),
                    e.password(),
                    e.controllerPublicKey(),
                    dir.resolve(e.nodeId()));
            if (linksOnly) {
              nodes.add(Session.link(settings, scheduler, i));
              continue;
            }
            SimulatedContainerRuntime runtime =
                new SimulatedContainerRuntime(
                    clock(), scheduler, new Random(i), ImageBehaviour.HEALTHY, Map.of(), Set.of());
            runtimes.add(runtime);
            VirtualNode node = new VirtualNode(settings, runtime, clock(), threads);
            nodes.add(Session.of(node));
            node.start();
          } catch (Throwable x) {
            failure = "making or starting node " + i + " of " + n + " failed: " + x;
          }
          if (failure == null && i + 1 < n && pastLimit(startedAt)) {
            failure =
                "only " + (i + 1) + " of " + n + " nodes made within " + limit.toSeconds() + " s";
          }
        }
        double makeS = seconds(System.nanoTime() - startedAt);
        System.out.printf("  %d nodes made and started in %.1f s%n", nodes.size(), makeS);

        long linksUp = -1;
        long allReady = -1;
        int connected = 0;
        long ready = 0;
        while (failure == null) {
          connected = 0;
          for (Session node : nodes) {
            connected += node.connected().getAsBoolean() ? 1 : 0;
          }
          Map<NodeState, Long> summary = fleet.summary();
          // A bare link publishes its presence but no status: the controller's READY needs a
          // status report, so for links only "seen" is every node out of PENDING and reachable.
          ready =
              linksOnly
                  ? n
                      - summary.getOrDefault(NodeState.PENDING, 0L)
                      - summary.getOrDefault(NodeState.UNREACHABLE, 0L)
                  : summary.getOrDefault(NodeState.READY, 0L);
          long now = System.nanoTime();
          if (linksUp < 0 && connected == n) {
            linksUp = now - startedAt;
          }
          if (allReady < 0 && ready == n) {
            allReady = now - startedAt;
          }
          if (linksUp >= 0 && allReady >= 0) {
            break;
          }
          if (pastLimit(startedAt)) {
            failure =
                "after "
                    + limit.toSeconds()
                    + " s, "
                    + connected
                    + " of "
                    + n
                    + " links connected and the controller sees "
                    + ready
                    + (linksOnly ? " reachable" : " READY");
            break;
          }
          pause(Duration.ofMillis(200));
        }
        long connectCpu = cpuNanos() - cpu0;
        if (failure == null) {
          System.out.printf(
              "  every link connected (SUBACK) %.1f s after the first node started; controller"
                  + " sees all %d %s after %.1f s; CPU %.1f s%n",
              seconds(linksUp),
              n,
              linksOnly ? "reachable" : "READY",
              seconds(allReady),
              seconds(connectCpu));
        }
        samples.add(Sample.take(failure == null ? "all connected" : "at failure"));
        int peakAfterConnect = threadBean.getPeakThreadCount();

        // ---- one every-node deployment: wait until every runtime runs it and the controller
        // sees every node READY at its new generation
        if (failure == null && !linksOnly) {
          Map<String, Long> before = new HashMap<>();
          for (Node node : fleet.store().allNodes()) {
            before.put(node.id().value(), node.desiredGeneration());
          }
          long cpu1 = cpuNanos();
          long appliedAt = System.nanoTime();
          FleetService.Applied applied = fleet.apply(MANIFEST, ManifestFormat.YAML);
          double applyS = seconds(System.nanoTime() - appliedAt);
          long running = -1;
          long converged = -1;
          int runningCount = 0;
          int convergedCount = 0;
          while (true) {
            runningCount = 0;
            for (SimulatedContainerRuntime r : runtimes) {
              runningCount += runs(r) ? 1 : 0;
            }
            convergedCount = 0;
            for (Node node : fleet.store().allNodes()) {
              long was = before.getOrDefault(node.id().value(), 0L);
              if (node.desiredGeneration() > was
                  && node.observedGeneration() == node.desiredGeneration()
                  && node.state() == NodeState.READY) {
                convergedCount++;
              }
            }
            long now = System.nanoTime();
            if (running < 0 && runningCount == n) {
              running = now - appliedAt;
            }
            if (converged < 0 && convergedCount == n) {
              converged = now - appliedAt;
            }
            if (running >= 0 && converged >= 0) {
              break;
            }
            if (pastLimit(appliedAt)) {
              failure =
                  "after "
                      + limit.toSeconds()
                      + " s, the deployment runs on "
                      + runningCount
                      + " of "
                      + n
                      + " runtimes and the controller sees "
                      + convergedCount
                      + " converged";
              break;
            }
            pause(Duration.ofMillis(500));
          }
          if (failure == null) {
            System.out.printf(
                "  deployment applied (%d desired states dispatched) in %.1f s; running on every"
                    + " runtime %.1f s after the apply began; controller sees all converged after"
                    + " %.1f s; CPU %.1f s%n",
                applied.nodesChanged(),
                applyS,
                seconds(running),
                seconds(converged),
                seconds(cpuNanos() - cpu1));
          }
          samples.add(Sample.take(failure == null ? "all converged" : "at failure"));
        }

        printSamples(samples, nodes.size());
        System.out.printf(
            "  peak live threads: %d up to all connected, %d overall%n",
            peakAfterConnect, threadBean.getPeakThreadCount());
        printThreadGroups();
      } catch (Throwable t) {
        failure = (failure == null ? "" : failure + "; then ") + "the level stopped: " + t;
        printSamples(samples, nodes.size());
        printThreadGroups();
      } finally {
        warnings.print();
        if (uncaught.get() > 0) {
          System.out.printf("  uncaught exceptions: %d%n", uncaught.get());
        }
        System.out.println(failure == null ? "  result: OK" : "  result: FAILED (" + failure + ")");
        System.out.flush();
        close(nodes, runtimes, controller, List.of(scheduler, pool, pulls, probes));
        deleteTree(dir);
      }
      return failure == null;
    }

    private boolean pastLimit(long since) {
      return System.nanoTime() - since > limit.toNanos();
    }

    private void quietLogs() {
      // The agent core and the link log through System.Logger (JUL here): count their warnings
      // by event instead of printing ten thousand INFO lines.
      Logger root = Logger.getLogger("");
      for (Handler h : root.getHandlers()) {
        root.removeHandler(h);
      }
      root.setLevel(Level.WARNING);
      root.addHandler(warnings);
      // The controller and HiveMQ log through logback: warnings and errors only.
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
        context
            .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
            .setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }

    private void printThreadGroups() {
      Map<String, Integer> groups = new TreeMap<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        groups.merge(group(t.getName()), 1, Integer::sum);
      }
      StringBuilder line = new StringBuilder("  live threads by name now:");
      groups.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .limit(14)
          .forEach(
              e ->
                  line.append(' ').append(e.getKey()).append('=').append(e.getValue()).append(';'));
      System.out.println(line);
    }

    /** Per node figures divide by {@code n}, the sessions made; "n/a" where a read failed. */
    private static void printSamples(List<Sample> samples, int n) {
      System.out.println(
          "  | when | live threads | heap used after GC | RSS | open fds | memory maps | process"
              + " CPU |");
      System.out.println("  |---|---|---|---|---|---|---|");
      for (Sample s : samples) {
        System.out.printf(
            "  | %s | %d | %.1f MiB | %s | %s | %s | %.1f s |%n",
            s.what,
            s.threads,
            mib(s.heap),
            s.rss < 0 ? "n/a" : String.format("%.1f MiB", mib(s.rss)),
            s.fds < 0 ? "n/a" : Long.toString(s.fds),
            s.maps < 0 ? "n/a" : Long.toString(s.maps),
            seconds(s.cpu));
      }
      Sample baseline = samples.size() > 1 ? samples.get(1) : null;
      if (baseline == null || samples.size() < 3 || n == 0) {
        return;
      }
      for (Sample s : samples.subList(2, samples.size())) {
        System.out.printf(
            "  per node (%s minus enrolled baseline, / %d): %.2f threads, %.1f KiB heap, %.1f KiB"
                + " RSS, %.2f fds, %.2f maps%n",
            s.what,
            n,
            (s.threads - baseline.threads) / (double) n,
            (s.heap - baseline.heap) / 1024.0 / n,
            (s.rss - baseline.rss) / 1024.0 / n,
            (s.fds - baseline.fds) / (double) n,
            (s.maps - baseline.maps) / (double) n);
      }
      Sample last = samples.get(samples.size() - 1);
      System.out.printf(
          "  whole process per node (%s / %d): %.2f threads, %.1f KiB heap%n",
          last.what, n, last.threads / (double) n, last.heap / 1024.0 / n);
    }
  }

  /** One node's MQTT session as the benchmark sees it: a whole virtual node or a bare link. */
  private record Session(BooleanSupplier connected, Runnable close) {
    static Session of(VirtualNode node) {
      return new Session(node::connected, node::close);
    }

    /** The same Paho link a virtual node builds, started with a listener that does nothing. */
    static Session link(VirtualNode.Settings settings, ScheduledExecutorService scheduler, int i) {
      PahoFleetLink link =
          new PahoFleetLink(
              settings
                  .toAgentConfig()
                  .linkSettings(Agent.VERSION, UUID.randomUUID().toString(), () -> 0),
              scheduler,
              clock(),
              new Random(i));
      link.start(
          new FleetLink.Listener() {
            @Override
            public void onDesired(byte[] payload) {}

            @Override
            public void onConnected() {}

            @Override
            public void onConnectionLost(String cause) {}
          });
      return new Session(link::connected, link::close);
    }
  }

  /** Paho names its threads "MQTT Rec: <client id>" and the like; others lose their numbers. */
  static String group(String threadName) {
    if (threadName.startsWith("MQTT ")) {
      int colon = threadName.indexOf(':');
      return colon < 0 ? threadName : threadName.substring(0, colon);
    }
    return threadName.replaceAll("[0-9]+", "#");
  }

  /** What the process holds at one moment, after a full GC. */
  private record Sample(
      String what, int threads, long heap, long rss, long fds, long maps, long cpu) {
    static Sample take(String what) {
      System.gc();
      System.gc();
      var os =
          (com.sun.management.UnixOperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean();
      long fds;
      try {
        fds = os.getOpenFileDescriptorCount();
      } catch (InternalError e) { // it opens /proc/self/fd, which fails when no fd is left
        fds = -1;
      }
      return new Sample(
          what,
          ManagementFactory.getThreadMXBean().getThreadCount(),
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
          rssBytes(),
          fds,
          lines("/proc/self/maps"),
          os.getProcessCpuTime());
    }
  }

  private static long rssBytes() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(l -> l.startsWith("VmRSS:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
          .findFirst()
          .orElse(-1L);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long lines(String file) {
    try (Stream<String> lines = Files.lines(Path.of(file))) {
      return lines.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Counts warnings and errors by their event (the first word); prints the first few of each. */
  private static final class WarningCounter extends Handler {
    private static final int SHOWN = 3;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() < Level.WARNING.intValue()) {
        return;
      }
      String message = formatter.formatMessage(record);
      String event = message.split(" ", 2)[0];
      long seen = counts.computeIfAbsent(event, k -> new AtomicLong()).incrementAndGet();
      if (seen <= SHOWN) {
        System.out.println(
            "  ["
                + record.getLevel()
                + "] "
                + message
                + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
      }
    }

    void print() {
      if (counts.isEmpty()) {
        System.out.println("  agent warnings and errors: none");
        return;
      }
      StringBuilder line = new StringBuilder("  agent warnings and errors by event:");
      counts.entrySet().stream()
          .sorted(Comparator.comparing(Map.Entry::getKey))
          .forEach(e -> line.append(' ').append(e.getKey()).append('=').append(e.getValue()));
      System.out.println(line);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static boolean runs(SimulatedContainerRuntime runtime) {
    for (ContainerInfo c : runtime.listByLabel(Labels.WORKLOAD)) {
      if (WORKLOAD.equals(c.labels().get(Labels.WORKLOAD))
          && c.state() == ContainerInfo.State.RUNNING) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes the nodes (32 at a time: each waits for its OFFLINE presence and DISCONNECT), then the
   * runtimes, the controller and the shared executors; gives up waiting after two minutes.
   */
  private static void close(
      List<Session> nodes,
      List<SimulatedContainerRuntime> runtimes,
      Controller controller,
      List<ExecutorService> executors) {
    long t = System.nanoTime();
    ExecutorService closers = Executors.newFixedThreadPool(32, named("bench-close"));
    for (Session node : nodes) {
      closers.execute(node.close());
    }
    closers.shutdown();
    boolean closed;
    try {
      closed = closers.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = false;
    }
    for (SimulatedContainerRuntime r : runtimes) {
      r.close();
    }
    if (controller != null) {
      controller.close();
    }
    for (ExecutorService e : executors) {
      e.shutdownNow();
    }
    System.out.printf(
        "  closed %s in %.1f s%n",
        closed ? "everything" : "what closed within 2 minutes", seconds(System.nanoTime() - t));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("  could not delete " + dir + ": " + e);
    }
  }

  private static ControllerSettings settings(Path dataDir) {
    ControllerSettings d = ControllerSettings.defaults(dataDir);
    return ControllerFleet.loopback(
        dataDir, d.livenessInterval(), d.republishInterval(), d.unreachableGrace());
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static Clock clock() {
    return Clock.systemUTC();
  }

  private static String nodeId(int i) {
    return String.format("vn-%05d", i);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void pause(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }

  private static long maxHeapMiB() {
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024);
  }
}
