package dev.flotilla.agent.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Podman service for *IT tests: {@code podman system service --time=0
 * unix://<tempdir>/podman.sock} as a child process, rootful, on the machine's default storage (so
 * images are shared, containers too: label what you create and clean it up with {@link
 * #removeAllWithLabel}).
 *
 * <pre>{@code
 * try (TestPodman podman = TestPodman.start();
 *     PodmanContainerRuntime runtime = new PodmanContainerRuntime(podman.socket())) {
 *   String image = podman.busyboxImage();
 *   ...
 *   podman.removeAllWithLabel(myRunLabel);
 * }
 * }</pre>
 *
 * <p>Needs root and Podman 4.x; {@code .ci/install-podman} (called by {@code .ci/run}) installs it
 * and writes the containers.conf these machines need. A machine without Podman fails the test with
 * that advice: the tests are never skipped. Thread-safe.
 */
public final class TestPodman implements AutoCloseable {
  /** The local test image {@link #busyboxImage()} provides. */
  public static final String BUSYBOX_IMAGE = "localhost/flotilla-test/busybox:1";

  /** Busybox applets linked into the test image's {@code /bin}. */
  private static final List<String> APPLETS =
      List.of(
          ("sh ash sleep httpd nc echo cat ls true false wget kill env ps mkdir rm touch id"
                  + " hostname printf test [ head grep seq yes date uname timeout wc tail pidof"
                  + " killall")
              .split(" "));

  private static final Duration SERVICE_START_LIMIT = Duration.ofSeconds(20);
  private static final Duration CLI_LIMIT = Duration.ofMinutes(2);
  private static final Object IMAGE_LOCK = new Object();

  private final Path dir;
  private final Path socket;
  private final Path log;
  private Process service;
  private Thread serviceReaper;

  private TestPodman(Path dir) {
    this.dir = dir;
    this.socket = dir.resolve("podman.sock");
    this.log = dir.resolve("service.log");
  }

  /**
   * Starts a Podman service on a fresh socket and waits (up to 20 s) until it answers {@code
   * /v4.0.0/libpod/_ping}.
   *
   * @throws IllegalStateException when Podman is not installed, the user is not root, or the
   *     service does not come up (with its log)
   */
  public static TestPodman start() {
    requirePodman();
    TestPodman podman = new TestPodman(tempDir());
    podman.startService();
    return podman;
  }

  /** The service's socket, for {@code new PodmanContainerRuntime(socket())}. */
  public Path socket() {
    return socket;
  }

  /**
   * The name of the local busybox test image, {@value #BUSYBOX_IMAGE}, built first when missing:
   * Debian's static {@code /bin/busybox} plus applet links ({@code sh}, {@code sleep}, {@code
   * httpd}, {@code nc}, {@code wget}, ...) imported with {@code CMD ["/bin/sh"]}. No registry is
   * involved.
   */
  public String busyboxImage() {
    synchronized (IMAGE_LOCK) {
      if (run(List.of("image", "exists", BUSYBOX_IMAGE)).exitCode() != 0) {
        buildBusyboxImage();
      }
    }
    return BUSYBOX_IMAGE;
  }

  /**
   * Runs the {@code podman} CLI (as root, on the default storage, not through this service) and
   * returns its standard output with trailing white space removed.
   *
   * @throws IllegalStateException when it exits non-zero (with its stderr) or runs over 2 minutes
   */
  public String podman(String... args) {
    CliResult result = run(Arrays.asList(args));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "podman "
              + String.join(" ", args)
              + " exited "
              + result.exitCode()
              + ": "
              + result.stderr().strip());
    }
    return result.stdout().stripTrailing();
  }

  /**
   * Removes, with {@code podman rm -f -t 0} (no grace period), every container carrying label
   * {@code key} (any value), running or not.
   *
   * @return how many were removed
   */
  public int removeAllWithLabel(String key) {
    String ids = podman("ps", "-a", "-q", "--no-trunc", "--filter", "label=" + key);
    List<String> idList = ids.isBlank() ? List.of() : List.of(ids.strip().split("\\s+"));
    if (!idList.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f", "-t", "0"));
      args.addAll(idList);
      podman(args.toArray(String[]::new));
    }
    return idList.size();
  }

  /** Stops the service process (containers keep running); the socket stops answering. */
  public synchronized void stopService() {
    Process process = service;
    service = null;
    if (process == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(serviceReaper);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the service on the same socket again after {@link #stopService()} (a no-op while it
   * runs), and waits until it answers.
   */
  public synchronized void startService() {
    if (service != null && service.isAlive()) {
      return;
    }
    try {
      Files.deleteIfExists(socket);
      Process process =
          new ProcessBuilder(
                  "podman", "system", "service", "--time=0", "unix://" + socket.toAbsolutePath())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      service = process;
      // A JVM that ends without close() (killed by a test timeout, say) still stops the service.
      serviceReaper = new Thread(process::destroy, "flotilla-test-podman-reaper");
      Runtime.getRuntime().addShutdownHook(serviceReaper);
      await("the Podman service on " + socket + " to answer _ping")
          .atMost(SERVICE_START_LIMIT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "podman system service exited "
                          + process.exitValue()
                          + "; its log ("
                          + log
                          + "):\n"
                          + Files.readString(log));
                }
                return answersPing();
              });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start podman system service", e);
    }
  }

  /** Stops the service and deletes its directory; containers and images stay. */
  @Override
  public void close() {
    stopService();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private boolean answersPing() {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(
          ByteBuffer.wrap(
              "GET /v4.0.0/libpod/_ping HTTP/1.0\r\nHost: podman\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer answer = ByteBuffer.allocate(4096);
      while (channel.read(answer) >= 0 && answer.hasRemaining()) {
        // HTTP/1.0: the service closes the connection after answering
      }
      String text = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
      return text.startsWith("HTTP/1.1 200") || text.startsWith("HTTP/1.0 200");
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  private void buildBusyboxImage() {
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox) || !isStaticBusybox()) {
      throw new IllegalStateException(
          "The busybox test image needs Debian's static busybox at /bin/busybox (package"
              + " busybox-static): run .ci/install-podman, which .ci/run calls, or `apt-get"
              + " install busybox-static`.");
    }
    try {
      Path build = Files.createTempDirectory(dir, "busybox-image-");
      Path rootfs = build.resolve("rootfs");
      Path bin = Files.createDirectories(rootfs.resolve("bin"));
      Files.copy(busybox, bin.resolve("busybox"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
      for (String empty : List.of("tmp", "proc", "sys", "dev", "root", "var/www", "etc")) {
        Files.createDirectories(rootfs.resolve(empty));
      }
      Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
      Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
      Path tar = build.resolve("rootfs.tar");
      exec(
          List.of(
              "tar",
              "--owner=0",
              "--group=0",
              "--numeric-owner",
              "-C",
              rootfs.toString(),
              "-cf",
              tar.toString(),
              "."));
      podman("import", "--change", "CMD [\"/bin/sh\"]", tar.toString(), BUSYBOX_IMAGE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build " + BUSYBOX_IMAGE, e);
    }
  }

  /** Debian's busybox-static package, rather than the dynamically linked busybox. */
  private static boolean isStaticBusybox() {
    try {
      CliResult result = execResult(List.of("dpkg-query", "-W", "-f=${Status}", "busybox-static"));
      return result.exitCode() == 0 && result.stdout().contains("ok installed");
    } catch (IllegalStateException e) {
      return true; // no dpkg: not Debian; let the import and the first container tell
    }
  }

  private CliResult run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    return execResult(command);
  }

  private static void exec(List<String> command) {
    CliResult result = execResult(command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + result.exitCode() + ": " + result.stderr());
    }
  }

  private record CliResult(int exitCode, String stdout, String stderr) {}

  private static CliResult execResult(List<String> command) {
    Path stderr = null;
    try {
      stderr = Files.createTempFile("flotilla-cli-", ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectError(stderr.toFile())
              .start();
      String stdout;
      try (InputStream in = process.getInputStream()) {
        stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(CLI_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " ran over " + CLI_LIMIT);
      }
      return new CliResult(process.exitValue(), stdout, Files.readString(stderr));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      if (stderr != null) {
        try {
          Files.deleteIfExists(stderr);
        } catch (IOException e) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  private static void requirePodman() {
    boolean installed =
        Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            .anyMatch(directory -> Files.isExecutable(Path.of(directory, "podman")));
    if (!installed) {
      throw new IllegalStateException(
          "The Podman integration tests need the podman binary (Debian's podman 4.x, with runc and"
              + " busybox-static) and none is on the PATH. .ci/run installs it through"
              + " .ci/install-podman; on a workstation, run `sudo .ci/install-podman`.");
    }
    Object uid;
    try {
      uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      uid = -1;
    }
    if (!Integer.valueOf(0).equals(uid)) {
      throw new IllegalStateException(
          "The Podman integration tests run rootful Podman and need root (uid is " + uid + ").");
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("flotilla-podman-");
      // A Unix socket path must fit in 108 bytes.
      if (dir.resolve("podman.sock").toAbsolutePath().toString().length() > 100) {
        Files.delete(dir);
        dir = Files.createTempDirectory(Path.of("/tmp"), "flotilla-podman-");
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
