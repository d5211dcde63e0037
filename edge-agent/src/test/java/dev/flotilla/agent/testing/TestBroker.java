package dev.flotilla.agent.testing;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded HiveMQ CE broker for tests, listening on a free loopback port.
 *
 * <p>The broker gets its own {@code conf/}, {@code data/} and {@code extensions/} folders under the
 * directory given to {@link #start(Path)}. Its generated {@code config.xml} turns the anonymous
 * usage statistics off and uses file persistence, so retained messages and persistent sessions
 * survive {@link #stop()} and a later {@link #start()} on the same port, as they would on a real
 * broker. Anonymous clients are allowed (no authentication extension is installed).
 *
 * <p>HiveMQ's own logging bootstrap is skipped; its logback output follows the test classpath's
 * {@code logback-test.xml}.
 *
 * <p>Thread-safe; starting and stopping block until HiveMQ reports the change (a few seconds at
 * most). Typical use:
 *
 * <pre>{@code
 * try (TestBroker broker = TestBroker.start(tempDir)) {
 *   ... connect to broker.uri() ...
 *   broker.stop();   // clients see the connection drop
 *   broker.start();  // same port, same retained messages and sessions
 * }
 * }</pre>
 */
public final class TestBroker implements AutoCloseable {
  /** HiveMQ's own default for the MQTT 5 server receive maximum. */
  public static final int HIVEMQ_DEFAULT_RECEIVE_MAXIMUM = 10;

  private static final long STATE_CHANGE_TIMEOUT_SECONDS = 60;

  private final Path conf;
  private final Path data;
  private final Path extensions;
  private final EmbeddedExtension extension; // may be null
  private final int port;
  // The running broker; null when stopped. HiveMQ CE 2025.5 cannot start an EmbeddedHiveMQ again
  // after stop() (its metrics stay registered: "A metric named ... already exists"), so every
  // start builds a new instance on the same folders and port, and stop closes it.
  private EmbeddedHiveMQ hivemq;
  private boolean closed;

  private TestBroker(Path conf, Path data, Path extensions, EmbeddedExtension extension, int port) {
    this.conf = conf;
    this.data = data;
    this.extensions = extensions;
    this.extension = extension;
    this.port = port;
  }

  /**
   * Starts a broker with HiveMQ's defaults (server receive maximum 10, no extension) under {@code
   * dir}, which is created when missing.
   */
  public static TestBroker start(Path dir) {
    return builder(dir).start();
  }

  /** A broker under {@code dir} with other settings than {@link #start(Path)}'s. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Settings for a {@link TestBroker}. */
  public static final class Builder {
    private final Path dir;
    private int serverReceiveMaximum = HIVEMQ_DEFAULT_RECEIVE_MAXIMUM;
    private EmbeddedExtension extension;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * The MQTT 5 receive maximum the broker announces in its CONNACK: how many QoS 1 and 2
     * publishes a client may have unacknowledged at once; 1 to 65535, HiveMQ's default is 10.
     */
    public Builder serverReceiveMaximum(int serverReceiveMaximum) {
      if (serverReceiveMaximum < 1 || serverReceiveMaximum > 65_535) {
        throw new IllegalArgumentException(
            "serverReceiveMaximum must be 1 to 65535, not " + serverReceiveMaximum);
      }
      this.serverReceiveMaximum = serverReceiveMaximum;
      return this;
    }

    /**
     * An extension to run inside the broker (e.g. an authorizer, or an interceptor that refuses
     * some publishes); started again on every {@link TestBroker#start()}.
     */
    public Builder extension(EmbeddedExtension extension) {
      this.extension = Objects.requireNonNull(extension, "extension");
      return this;
    }

    /** Prepares the folders, picks a free port and starts the broker. */
    public TestBroker start() {
      try {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        int port = freeLoopbackPort();
        Files.writeString(conf.resolve("config.xml"), configXml(port, serverReceiveMaximum));
        TestBroker broker = new TestBroker(conf, data, extensions, extension, port);
        broker.start();
        return broker;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the HiveMQ folders under " + dir, e);
      }
    }
  }

  /** {@code tcp://127.0.0.1:PORT}, valid across restarts. */
  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** The loopback port; the same across restarts. */
  public int port() {
    return port;
  }

  /** Whether the broker is accepting connections. */
  public synchronized boolean running() {
    return hivemq != null;
  }

  /** Starts the broker again on the same port with the same data; does nothing when running. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the test broker is closed");
    }
    if (hivemq != null) {
      return;
    }
    EmbeddedHiveMQBuilder builder =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(data)
            .withExtensionsFolder(extensions)
            .withoutLoggingBootstrap();
    if (extension != null) {
      builder.withEmbeddedExtension(extension);
    }
    EmbeddedHiveMQ fresh = builder.build();
    try {
      await(fresh.start(), "start");
    } catch (RuntimeException e) {
      closeQuietly(fresh, e);
      throw e;
    }
    hivemq = fresh;
  }

  /**
   * Stops the broker: every client connection drops and new ones are refused. Retained messages and
   * persistent sessions stay in the data folder for the next {@link #start()}. Does nothing when
   * stopped.
   */
  public synchronized void stop() {
    EmbeddedHiveMQ running = hivemq;
    if (running == null) {
      return;
    }
    hivemq = null;
    try {
      running.close();
    } catch (ExecutionException e) {
      throw new IllegalStateException("HiveMQ failed to stop", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping HiveMQ", e);
    }
  }

  /** {@link #stop()} then {@link #start()}: same port, same data. */
  public synchronized void restart() {
    stop();
    start();
  }

  /** Stops the broker for good. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
  }

  private static void closeQuietly(EmbeddedHiveMQ hivemq, RuntimeException failure) {
    try {
      hivemq.close();
    } catch (ExecutionException | RuntimeException e) {
      failure.addSuppressed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
    }
  }

  private static void await(Future<Void> change, String what) {
    try {
      change.get(STATE_CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("HiveMQ failed to " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "HiveMQ did not " + what + " within " + STATE_CHANGE_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for HiveMQ to " + what, e);
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  private static String configXml(int port, int serverReceiveMaximum) {
    return """
    <?xml version="1.0"?>
    <hivemq xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xsi:noNamespaceSchemaLocation="config.xsd">
        <listeners>
            <tcp-listener>
                <port>%d</port>
                <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
        </listeners>
        <mqtt>
            <receive-maximum>
                <server-receive-maximum>%d</server-receive-maximum>
            </receive-maximum>
        </mqtt>
        <persistence>
            <mode>file</mode>
        </persistence>
        <anonymous-usage-statistics>
            <enabled>false</enabled>
        </anonymous-usage-statistics>
    </hivemq>
    """
        .formatted(port, serverReceiveMaximum);
  }
}
