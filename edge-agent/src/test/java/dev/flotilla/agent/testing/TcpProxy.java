package dev.flotilla.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a free loopback port for fault injection in tests: put it between a client and
 * a broker, then cut the connections abruptly (as a network loss or a crashed process would: no
 * MQTT DISCONNECT, a TCP reset), refuse new connections, or hold back the bytes from the broker to
 * the client (PUBACKs, for example) for a while.
 *
 * <p>One platform daemon thread accepts; two per connection copy bytes. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private boolean downstreamHeld; // guarded by gate
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean refusing;
  private volatile boolean closed;

  private TcpProxy(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Starts forwarding a free loopback port to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy start(int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      TcpProxy proxy = new TcpProxy(server, targetPort);
      Thread.ofPlatform()
          .daemon()
          .name("tcp-proxy-accept-" + server.getLocalPort())
          .start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the proxy", e);
    }
  }

  /** The proxy's own port. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code tcp://127.0.0.1:PORT} of the proxy, for an MQTT client. */
  public String uri() {
    return "tcp://127.0.0.1:" + port();
  }

  /** How many connections the proxy has accepted so far, refused ones included. */
  public int accepted() {
    return accepted.get();
  }

  /**
   * While {@code refusing}, new connections are accepted and reset at once (the client sees its
   * connection attempt fail); open connections are not touched.
   */
  public void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  /** Resets every open connection on both sides, without any goodbye. */
  public void cut() {
    for (Socket socket : sockets) {
      reset(socket);
    }
  }

  /**
   * Stops forwarding bytes from the target to clients until {@link #releaseDownstream()}; bytes
   * from clients to the target still flow.
   */
  public void holdDownstream() {
    synchronized (gate) {
      downstreamHeld = true;
    }
  }

  /** Forwards what was held back, and everything after it. */
  public void releaseDownstream() {
    synchronized (gate) {
      downstreamHeld = false;
      gate.notifyAll();
    }
  }

  /** Stops accepting and cuts every connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    releaseDownstream();
    try {
      server.close();
    } catch (IOException e) {
      // Closing a listening socket: nothing useful to do with the failure.
    }
    cut();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (refusing || closed) {
        reset(client);
        continue;
      }
      Socket target = new Socket();
      try {
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
      } catch (IOException e) {
        reset(client);
        closeQuietly(target);
        continue;
      }
      sockets.add(client);
      sockets.add(target);
      String name = "tcp-proxy-" + client.getPort();
      Thread.ofPlatform().daemon().name(name + "-up").start(() -> pump(client, target, false));
      Thread.ofPlatform().daemon().name(name + "-down").start(() -> pump(target, client, true));
    }
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (downstream) {
          awaitDownstreamOpen();
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // A cut, a reset by either side, or the proxy closing: tear the pair down below.
    } finally {
      reset(from);
      reset(to);
    }
  }

  private void awaitDownstreamOpen() throws InterruptedException {
    synchronized (gate) {
      while (downstreamHeld && !closed) {
        gate.wait();
      }
    }
  }

  private void reset(Socket socket) {
    sockets.remove(socket);
    try {
      socket.setSoLinger(true, 0); // close with RST, as a dead peer or a broken path would
    } catch (SocketException e) {
      // Already closed.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing useful to do.
    }
  }
}
