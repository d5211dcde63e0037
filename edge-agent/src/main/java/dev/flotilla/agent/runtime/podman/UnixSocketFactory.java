package dev.flotilla.agent.runtime.podman;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * Hands out {@link Socket}s that connect to one Unix domain socket, whatever address they are asked
 * to connect to, so that an HTTP client (OkHttp) can talk to a local service such as Podman. Uses
 * the JDK's own Unix domain {@link SocketChannel} (JDK 16+): no native library, GraalVM-friendly.
 *
 * <p>Only the {@code createSocket()} form is supported; the host/port forms, which connect at once
 * to a TCP address, throw {@link UnsupportedOperationException}.
 *
 * <p>The sockets ignore {@link Socket#setSoTimeout}: a blocking channel read cannot time out.
 * OkHttp's reads are still bounded, because Okio enforces its timeouts with a watchdog that closes
 * the socket, which this socket turns into closing the channel. What does rely on {@code soTimeout}
 * is OkHttp's liveness probe of idle pooled connections, so clients using this factory should keep
 * no idle connections (a Unix socket connect costs microseconds).
 */
public final class UnixSocketFactory extends SocketFactory {
  private final Path path;

  /**
   * @param path the Unix domain socket file; need not exist yet (connecting fails until it does)
   */
  public UnixSocketFactory(Path path) {
    this.path = Objects.requireNonNull(path, "path");
  }

  /** The socket file every socket from this factory connects to. */
  public Path path() {
    return path;
  }

  @Override
  public Socket createSocket() {
    return new UnixSocket(path);
  }

  @Override
  public Socket createSocket(String host, int port) {
    throw new UnsupportedOperationException("use createSocket() and connect()");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
    throw new UnsupportedOperationException("use createSocket() and connect()");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) {
    throw new UnsupportedOperationException("use createSocket() and connect()");
  }

  @Override
  public Socket createSocket(
      InetAddress address, int port, InetAddress localAddress, int localPort) {
    throw new UnsupportedOperationException("use createSocket() and connect()");
  }

  /**
   * A {@link Socket} face on a Unix domain {@link SocketChannel}. The methods OkHttp uses are
   * overridden; the inherited rest would act on an unconnected TCP socket and must not be relied
   * on. Thread-safety: one reader and one writer at a time, and {@link #close} from any thread (it
   * unblocks a pending read or write).
   */
  private static final class UnixSocket extends Socket {
    private final Path path;
    private volatile SocketChannel channel;
    private volatile InputStream in;
    private volatile OutputStream out;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile int soTimeout;

    UnixSocket(Path path) {
      this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
      connect(ignored, 0);
    }

    /** Connects to the factory's socket file; {@code ignored} and the timeout do not matter. */
    @Override
    public void connect(SocketAddress ignored, int timeoutMillis) throws IOException {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (channel != null) {
        throw new SocketException("already connected");
      }
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(path));
      } catch (IOException e) {
        ch.close();
        ConnectException failure =
            new ConnectException("cannot connect to " + path + ": " + e.getMessage());
        failure.initCause(e);
        throw failure;
      }
      channel = ch;
      in = Channels.newInputStream(ch);
      out = Channels.newOutputStream(ch);
      if (closed) { // closed while connecting
        ch.close();
        throw new SocketException("Socket is closed");
      }
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return requireConnected(in);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return requireConnected(out);
    }

    private <T> T requireConnected(T stream) throws SocketException {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (stream == null) {
        throw new SocketException("Socket is not connected");
      }
      return stream;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      try {
        SocketChannel ch = channel;
        if (ch != null) {
          ch.close();
        }
      } finally {
        super.close(); // releases the TCP socket the superclass may have made for an option call
      }
    }

    @Override
    public boolean isConnected() {
      return channel != null;
    }

    @Override
    public boolean isBound() {
      return channel != null;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
      requireConnected(channel).shutdownInput();
      inputShutdown = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
      requireConnected(channel).shutdownOutput();
      outputShutdown = true;
    }

    @Override
    public boolean isInputShutdown() {
      return inputShutdown;
    }

    @Override
    public boolean isOutputShutdown() {
      return outputShutdown;
    }

    /** Recorded, not enforced: see the class comment. */
    @Override
    public void setSoTimeout(int timeout) {
      soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
      return soTimeout;
    }

    @Override
    public InetAddress getInetAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
      return 0;
    }

    @Override
    public int getLocalPort() {
      return -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return channel != null ? UnixDomainSocketAddress.of(path) : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return null;
    }

    @Override
    public String toString() {
      return "UnixSocket["
          + path
          + (closed ? ", closed" : channel != null ? ", connected" : "")
          + "]";
    }
  }
}
