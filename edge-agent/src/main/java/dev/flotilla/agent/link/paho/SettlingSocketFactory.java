package dev.flotilla.agent.link.paho;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets for Paho whose end (end of stream, or an error from {@code read} or {@code
 * available}) is reported no earlier than {@link #SETTLE} after the connection was made.
 *
 * <p>Why: Paho 1.2.5 (the last release) starts its receiver, sender and callback threads from its
 * connect thread ("MQTT Con"), and after starting each one it polls, every 100 ms, until that
 * thread reports it is running. When the peer accepts the TCP connection and drops it at once (a
 * broker refusing connections, a load balancer without a healthy backend, a proxy), the receiver
 * thread starts, fails and stops between two polls; the connect thread then polls forever and is
 * never released (eclipse-paho/paho.mqtt.java issue 850). An agent retrying for days against such a
 * peer would leak one thread per attempt. Holding the failure back long enough for the connect
 * thread to see every worker running avoids the race; the only cost is that such a failure is
 * noticed up to {@link #SETTLE} later.
 *
 * <p>Only for {@code tcp://}: Paho needs an {@code SSLSocketFactory} for {@code ssl://}, which this
 * does not wrap.
 */
final class SettlingSocketFactory extends SocketFactory {
  /** Covers the three 100 ms polls of Paho's connect thread with a wide margin. */
  static final Duration SETTLE = Duration.ofSeconds(1);

  private final long settleNanos;

  SettlingSocketFactory() {
    this(SETTLE);
  }

  SettlingSocketFactory(Duration settle) {
    this.settleNanos = settle.toNanos();
  }

  @Override
  public Socket createSocket() {
    return new SettlingSocket(settleNanos);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localAddress, localPort));
    socket.connect(new InetSocketAddress(address, port));
    return socket;
  }

  private static final class SettlingSocket extends Socket {
    private final long settleNanos;
    // Monotonic time of the connection, not the agent's clock: this is about Paho's threads.
    private volatile long connectedAt = System.nanoTime();

    SettlingSocket(long settleNanos) {
      this.settleNanos = settleNanos;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      super.connect(endpoint, timeout);
      connectedAt = System.nanoTime();
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return new FilterInputStream(super.getInputStream()) {
        @Override
        public int read() throws IOException {
          try {
            int b = super.read();
            if (b < 0) {
              settle();
            }
            return b;
          } catch (SocketTimeoutException e) {
            throw e; // Paho's read timeout: a normal event, not the end
          } catch (IOException e) {
            settle();
            throw e;
          }
        }

        @Override
        public int available() throws IOException {
          // Paho's receiver asks this first on every loop: a reset shows up here before any read.
          try {
            return super.available();
          } catch (IOException e) {
            settle();
            throw e;
          }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          try {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
              settle();
            }
            return n;
          } catch (SocketTimeoutException e) {
            throw e;
          } catch (IOException e) {
            settle();
            throw e;
          }
        }
      };
    }

    /** Waits until {@code settleNanos} after the connection; gives up when interrupted. */
    private void settle() {
      long deadline = connectedAt + settleNanos;
      long remaining;
      while ((remaining = deadline - System.nanoTime()) > 0
          && !Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(remaining);
      }
    }
  }
}
