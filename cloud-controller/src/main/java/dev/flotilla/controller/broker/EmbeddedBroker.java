package dev.flotilla.controller.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The controller's MQTT broker: HiveMQ CE embedded in the controller's JVM, with {@link
 * FlotillaBrokerExtension} enforcing who may connect and which topics each client may use.
 *
 * <p>{@link #start} writes {@code conf/config.xml} under {@link BrokerSettings#dir()} (one TCP
 * listener, file persistence, retained messages on, anonymous usage statistics off) and blocks
 * until HiveMQ accepts connections. Retained messages and persistent sessions live in {@code
 * data/}, so a later {@code start} on the same folder, after {@link #close()}, serves them again.
 * HiveMQ CE 2025.5 cannot start an {@link EmbeddedHiveMQ} a second time, so a restart is a new
 * {@code EmbeddedBroker}.
 *
 * <p>Only one {@code EmbeddedBroker} may run in a JVM at a time: HiveMQ's extension services are
 * process-wide.
 *
 * <p>Thread-safe. {@link #close()} blocks while HiveMQ stops (a few seconds) and is idempotent.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

  private static final long START_TIMEOUT_SECONDS = 60;
  private static final String PORT_SETTING = "flotilla.broker.port / FLOTILLA_BROKER_PORT";
  private static final String HOST_SETTING = "flotilla.broker.host / FLOTILLA_BROKER_HOST";

  private final BrokerSettings settings;
  private @Nullable EmbeddedHiveMQ hivemq; // null once closed

  private EmbeddedBroker(BrokerSettings settings, EmbeddedHiveMQ hivemq) {
    this.settings = settings;
    this.hivemq = hivemq;
  }

  /**
   * Starts a broker and waits until it accepts connections (at most 60 s).
   *
   * @param settings where to listen and keep data
   * @param credentials asked for every CONNECT, see its contract
   * @param counters where the extension counts refusals; may be shared by successive brokers
   * @throws BrokerStartException when the folders cannot be made, the port is already in use (this
   *     is checked before HiveMQ starts, so it fails fast), the host cannot be bound, or HiveMQ
   *     fails or does not start in time; nothing is left running then
   */
  public static EmbeddedBroker start(
      BrokerSettings settings, BrokerCredentials credentials, BrokerCounters counters) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(counters, "counters");
    Path conf = createFolder(settings.dir().resolve("conf"));
    Path data = createFolder(settings.dir().resolve("data"));
    Path extensions = createFolder(settings.dir().resolve("extensions"));
    checkPortFree(settings);
    try {
      Files.writeString(conf.resolve("config.xml"), configXml(settings));
    } catch (IOException e) {
      throw new BrokerStartException(
          "cannot write the broker configuration " + conf.resolve("config.xml") + ": " + e, e);
    }

    EmbeddedExtension extension =
        EmbeddedExtension.builder()
            .withId("flotilla-broker-security")
            .withName("Flotilla broker security")
            .withVersion("1")
            .withAuthor("Flotilla")
            .withPriority(1000)
            .withStartPriority(1000)
            .withExtensionMain(new FlotillaBrokerExtension(credentials, counters))
            .build();
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(data)
            .withExtensionsFolder(extensions)
            .withEmbeddedExtension(extension)
            .withoutLoggingBootstrap()
            .build();
    try {
      hivemq.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      stopQuietly(hivemq);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      // HiveMQ reports a listener it could not bind only in its log, then fails with a bare
      // "unrecoverable" error; another process may have taken the port after our check.
      if (!portFree(settings)) {
        throw new BrokerStartException(portInUse(settings), cause);
      }
      throw new BrokerStartException(
          "HiveMQ failed to start on " + address(settings) + ": " + cause, cause);
    } catch (TimeoutException e) {
      stopQuietly(hivemq);
      throw new BrokerStartException(
          "HiveMQ did not start within " + START_TIMEOUT_SECONDS + " s on " + address(settings), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(hivemq);
      throw new BrokerStartException("interrupted while HiveMQ was starting", e);
    }
    LOG.log(
        Level.INFO,
        "broker.started host={0} port={1,number,#} dir={2}",
        settings.host(),
        settings.port(),
        settings.dir());
    return new EmbeddedBroker(settings, hivemq);
  }

  /** The settings this broker was started with. */
  public BrokerSettings settings() {
    return settings;
  }

  /**
   * Where the controller's own client connects: {@code tcp://HOST:PORT}, with loopback in place of
   * a wildcard host ({@code 0.0.0.0}, {@code ::}).
   */
  public String localUri() {
    String host = settings.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("::0")) {
      host = "[::1]";
    } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "tcp://" + host + ":" + settings.port();
  }

  /** Whether the broker is running, that is not yet closed. */
  public synchronized boolean running() {
    return hivemq != null;
  }

  /**
   * Stops HiveMQ: every client connection drops. Retained messages and sessions stay in the data
   * folder. Does nothing when already closed.
   *
   * @throws IllegalStateException when HiveMQ fails to stop or the wait is interrupted (the broker
   *     counts as closed all the same)
   */
  @Override
  public synchronized void close() {
    EmbeddedHiveMQ running = hivemq;
    if (running == null) {
      return;
    }
    hivemq = null;
    try {
      running.close();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "HiveMQ failed to stop on " + address(settings), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while HiveMQ was stopping", e);
    }
    LOG.log(
        Level.INFO, "broker.stopped host={0} port={1,number,#}", settings.host(), settings.port());
  }

  private static Path createFolder(Path folder) {
    try {
      return Files.createDirectories(folder);
    } catch (IOException e) {
      throw new BrokerStartException("cannot create the broker folder " + folder + ": " + e, e);
    }
  }

  /**
   * Binds the port once and lets it go. HiveMQ itself only logs a listener it cannot bind, and the
   * failure it then reports says nothing about the port.
   */
  private static void checkPortFree(BrokerSettings settings) {
    InetAddress address;
    try {
      address = InetAddress.getByName(settings.host());
    } catch (UnknownHostException e) {
      throw new BrokerStartException(
          "MQTT host '"
              + settings.host()
              + "' is unknown; set "
              + HOST_SETTING
              + " to an address of this machine",
          e);
    }
    try (ServerSocket socket = new ServerSocket()) {
      // As HiveMQ's listener does, so a previous broker's TIME_WAIT connections do not count.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, settings.port()));
    } catch (BindException e) {
      if (e.getMessage() != null && e.getMessage().contains("in use")) {
        throw new BrokerStartException(portInUse(settings), e);
      }
      throw new BrokerStartException(
          "cannot listen for MQTT on "
              + address(settings)
              + " ("
              + e.getMessage()
              + "); set "
              + HOST_SETTING
              + " to an address of this machine, or "
              + PORT_SETTING
              + " to a port this process may use",
          e);
    } catch (IOException e) {
      throw new BrokerStartException(
          "cannot listen for MQTT on " + address(settings) + ": " + e, e);
    }
  }

  private static boolean portFree(BrokerSettings settings) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String portInUse(BrokerSettings settings) {
    return "MQTT port "
        + address(settings)
        + " is already in use; stop the process holding it (is another controller running?) or set "
        + PORT_SETTING
        + " to a free port";
  }

  private static String address(BrokerSettings settings) {
    return settings.host() + ":" + settings.port();
  }

  private static void stopQuietly(EmbeddedHiveMQ hivemq) {
    try {
      hivemq.close();
    } catch (ExecutionException | RuntimeException e) {
      LOG.log(Level.WARNING, "broker.stop.failed error={0}", String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String configXml(BrokerSettings settings) {
    return """
    <?xml version="1.0"?>
    <!-- Written by Flotilla on every broker start; edits are lost. -->
    <hivemq xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xsi:noNamespaceSchemaLocation="config.xsd">
        <listeners>
            <tcp-listener>
                <port>%d</port>
                <bind-address>%s</bind-address>
                <name>flotilla-mqtt</name>
            </tcp-listener>
        </listeners>
        <mqtt>
            <retained-messages>
                <enabled>true</enabled>
            </retained-messages>
            <packets>
                <max-packet-size>%d</max-packet-size>
            </packets>
            <receive-maximum>
                <server-receive-maximum>%d</server-receive-maximum>
            </receive-maximum>
            <queued-messages>
                <max-queue-size>%d</max-queue-size>
                <strategy>discard</strategy>
            </queued-messages>
        </mqtt>
        <persistence>
            <mode>file</mode>
        </persistence>
        <anonymous-usage-statistics>
            <enabled>false</enabled>
        </anonymous-usage-statistics>
    </hivemq>
    """
        .formatted(
            settings.port(),
            settings.host(),
            settings.maxPacketBytes(),
            settings.serverReceiveMaximum(),
            BrokerSettings.MAX_QUEUED_MESSAGES);
  }
}
