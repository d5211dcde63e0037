package dev.flotilla.simulator.control;

import dev.flotilla.simulator.cli.ControllerProcessMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real controller, with its embedded broker and SQLite store, in a child JVM that the simulator
 * starts, samples and restarts ({@link ControllerProcessMain} runs there). A process of its own,
 * not a thread pool in the simulator's, because a fleet of ten thousand sessions needs both ends of
 * every connection: the broker's side would share the simulator's limit on open files, and the
 * controller's CPU and heap would be indistinguishable from the fleet's.
 *
 * <p>Its log (standard output and error but the simulator's own lines) goes to {@code
 * controller.log} in the run's directory. The child dies with the simulator: it stops when its
 * standard input ends.
 */
public final class ControllerProcess implements ControlTarget {
  private static final System.Logger LOG = System.getLogger(ControllerProcess.class.getName());
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How to start it.
   *
   * @param dataDir the controller's data directory (store, keys, broker data, admin token)
   * @param log where its log goes (appended)
   * @param jvmOptions e.g. {@code -Xmx2g}
   * @param properties extra controller configuration, e.g. {@code flotilla.nodes.liveness-interval}
   */
  public record Options(
      Path dataDir, Path log, List<String> jvmOptions, Map<String, String> properties) {
    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(log, "log");
      jvmOptions = List.copyOf(jvmOptions);
      properties = Map.copyOf(properties);
    }
  }

  private final Options options;
  private final int httpPort;
  private final int brokerPort;
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private Process process;
  private Writer commands;
  private String token;

  private ControllerProcess(Options options) {
    this.options = options;
    this.httpPort = freePort();
    this.brokerPort = freePort();
  }

  /**
   * Starts the controller and waits until its API answers (at most 3 minutes).
   *
   * @throws IllegalStateException when it exits or does not get ready in time; the message ends
   *     with the last lines of its log
   */
  public static ControllerProcess start(Options options) {
    ControllerProcess p = new ControllerProcess(Objects.requireNonNull(options, "options"));
    p.launch();
    return p;
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 22) {
      command.add("--enable-native-access=ALL-UNNAMED"); // SQLite's JDBC driver loads its library
    }
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(options.jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ControllerProcessMain.class.getName());
    command.add("micronaut.server.host=127.0.0.1");
    command.add("micronaut.server.port=" + httpPort);
    command.add("flotilla.data-dir=" + options.dataDir().toAbsolutePath());
    command.add("flotilla.broker.host=127.0.0.1");
    command.add("flotilla.broker.port=" + brokerPort);
    options.properties().forEach((k, v) -> command.add(k + "=" + v));
    try {
      Files.createDirectories(options.dataDir());
      Files.createDirectories(options.log().toAbsolutePath().getParent());
      replies.clear();
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the controller process: " + e, e);
    }
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Process started = process;
    Thread reader = new Thread(() -> read(started), "sim-controller-output");
    reader.setDaemon(true);
    reader.start();
    String first = await(START_TIMEOUT, "ready");
    if (!first.equals("ready")) {
      started.destroyForcibly();
      throw new IllegalStateException(
          "the controller process did not start: " + first + "; see " + options.log());
    }
    try {
      token = Files.readString(options.dataDir().resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the controller's admin token", e);
    }
    LOG.log(Level.INFO, "sim.controller.started pid={0} api={1}", started.pid(), api());
  }

  private void read(Process p) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer log =
            Files.newBufferedWriter(
                options.log(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(ControllerProcessMain.PREFIX)) {
          String said = line.substring(ControllerProcessMain.PREFIX.length());
          if (said.startsWith("stats ")) {
            String[] f = said.split(" ");
            samples.add(
                new Sample(
                    System.currentTimeMillis(),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3])));
          } else {
            replies.add(said);
          }
        } else {
          log.write(line);
          log.write('\n');
          log.flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "sim.controller.output-ended why={0}", e.toString());
    }
    replies.add("exited " + p.onExit().join().exitValue());
  }

  /** The next reply of the child, or a line saying why there is none. */
  private String await(Duration timeout, String what) {
    try {
      String reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return reply == null ? "no '" + what + "' within " + timeout.toSeconds() + " s" : reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void send(String command) {
    try {
      commands.write(command + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the controller process does not listen: " + e, e);
    }
  }

  @Override
  public URI api() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public String mode() {
    return "process";
  }

  @Override
  public boolean restartable() {
    return true;
  }

  /** The process id of the controller running now. */
  public long pid() {
    return process.pid();
  }

  @Override
  public synchronized void restartBroker(Duration down) {
    send("restart-broker " + down.toMillis());
    String reply = await(START_TIMEOUT.plus(down), "broker-restarted");
    if (!reply.equals("broker-restarted")) {
      throw new IllegalStateException("the broker did not restart: " + reply);
    }
  }

  @Override
  public synchronized void restartController(boolean kill, Duration down) {
    stop(kill);
    if (!down.isZero()) {
      try {
        Thread.sleep(down.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the controller was down", e);
      }
    }
    launch();
  }

  private void stop(boolean kill) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (kill) {
      p.destroyForcibly();
    } else {
      try {
        send("stop");
      } catch (UncheckedIOException e) {
        p.destroy();
      }
    }
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.WARNING, "sim.controller.stop-timeout pid={0}", p.pid());
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  @Override
  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  @Override
  public synchronized void close() {
    stop(false);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
