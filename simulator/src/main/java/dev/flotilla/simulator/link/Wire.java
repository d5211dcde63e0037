package dev.flotilla.simulator.link;

import dev.flotilla.agent.link.LinkLog;
import dev.flotilla.simulator.link.MqttPackets.Packet;
import dev.flotilla.simulator.link.MqttPackets.Publish;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * One TCP connection to the broker, driven by the {@link LinkHub}'s selector thread, and the
 * simulated network under it: packets in, packets out, each way through the link's {@link Faults}.
 *
 * <p><b>Threads.</b> Hub thread only, every method. The socket is non-blocking; nothing here waits.
 *
 * <p><b>Writes.</b> {@link #send} encodes a packet and queues it (after the latency, if any); the
 * hub writes the queue once per loop turn, so packets made in one turn leave in one gathering
 * write. A socket that takes only part of it gets OP_WRITE interest until the queue is empty.
 *
 * <p><b>Faults.</b> While partitioned, the wire neither reads nor writes and selects nothing:
 * queued packets stay queued, and what the broker sends waits unread in the kernel, as bytes do in
 * a real partition until TCP gives up. A partition that heals before the link gives the connection
 * up therefore costs nothing but time, as a short outage on a real network does; once the link
 * gives it up ({@link #goStale()}), the queue is dropped and the socket is only kept open, unread,
 * so that the broker notices the loss through its own keep-alive and not through a TCP close.
 * Latency puts each packet, in either direction, on a delay line; a packet never overtakes an
 * earlier one, also when the latency changes.
 */
final class Wire {
  private static final System.Logger LOG = System.getLogger(Wire.class.getName());

  /** Up to this many queued packets go out in one gathering write. */
  static final int GATHER = 64;

  /** Reads per readiness event, so that one busy connection cannot starve the others. */
  private static final int READS_PER_TURN = 8;

  /** What the wire reports to its connection. Called on the hub thread. */
  interface Peer {
    /** A packet from the broker, after the simulated latency. */
    void onPacket(Packet packet);

    /**
     * The socket failed, the broker closed it, or it sent bytes that are not MQTT. The wire stays
     * open until its owner closes it.
     */
    void onBroken(String cause);
  }

  /** A packet's bytes on their way to the socket. */
  private record Frame(ByteBuffer bytes, boolean publish) {}

  private final LinkHub hub;
  private final Faults faults;
  private final Traffic traffic;
  private final Peer peer;
  private final String node;
  private final SocketChannel channel;
  private final MqttPackets.Decoder decoder;
  private final ArrayDeque<Frame> writes = new ArrayDeque<>();
  private final DelayLine<Frame> outbound;
  private final DelayLine<Packet> inbound;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private SelectionKey key;
  private boolean open;
  private boolean stale;
  private boolean broken;
  private boolean closeWhenFlushed;

  /** Whether the hub will flush this wire at the end of its loop turn; the hub's field. */
  boolean dirty;

  private Wire(
      LinkHub hub,
      Faults faults,
      Traffic traffic,
      Peer peer,
      String node,
      SocketChannel channel,
      int maxPacketBytes) {
    this.hub = hub;
    this.faults = faults;
    this.traffic = traffic;
    this.peer = peer;
    this.node = node;
    this.channel = channel;
    this.decoder = new MqttPackets.Decoder(maxPacketBytes);
    this.outbound = new DelayLine<>(this::queue);
    this.inbound = new DelayLine<>(peer::onPacket);
  }

  /**
   * Opens a non-blocking socket to {@code address} and registers it with the hub. Packets may be
   * sent at once: they wait in the queue until the TCP connection is up. A connection that cannot
   * be made is reported through {@link Peer#onBroken}, never from this method.
   *
   * @throws IOException when no socket can be made at all (out of file descriptors, say)
   */
  static Wire open(
      LinkHub hub,
      InetSocketAddress address,
      Faults faults,
      Traffic traffic,
      Peer peer,
      String node,
      int maxPacketBytes)
      throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Wire wire = new Wire(hub, faults, traffic, peer, node, channel, maxPacketBytes);
      boolean connected = channel.connect(address);
      wire.key = hub.register(channel, connected ? 0 : SelectionKey.OP_CONNECT, wire);
      if (connected) {
        wire.opened();
      }
      return wire;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Completes when the socket has been closed. */
  CompletableFuture<Void> closedFuture() {
    return closed;
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Sends {@code packet}: now, or after the latency; never before packets sent earlier. */
  void send(Packet packet) {
    if (isClosed() || stale) {
      return;
    }
    Frame frame = new Frame(MqttPackets.encode(packet), packet instanceof Publish);
    if (faults.latencyNanos > 0 || !outbound.isEmpty()) {
      outbound.add(frame, faults.latencyNanos);
    } else {
      queue(frame);
    }
  }

  private void queue(Frame frame) {
    writes.add(frame);
    hub.markDirty(this);
  }

  /** Closes the socket once everything sent so far (latency included) has been written. */
  void closeWhenFlushed() {
    closeWhenFlushed = true;
    if (writes.isEmpty() && outbound.isEmpty()) {
      close();
    }
  }

  /**
   * The link has given this connection up while partitioned: drops what is queued, stops timers and
   * keeps the socket open and unread until {@link #close()}.
   */
  void goStale() {
    stale = true;
    writes.clear();
    outbound.clear();
    inbound.clear();
    setInterest(0);
  }

  /** Closes the socket at once, without a goodbye; the peer sees a TCP close. Idempotent. */
  void close() {
    if (isClosed()) {
      return;
    }
    writes.clear();
    outbound.clear();
    inbound.clear();
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LinkLog.log(LOG, Level.DEBUG, "sim.link.socket.close.failed", "node", node, "cause", e);
    }
    hub.socketClosed();
    closed.complete(null);
  }

  /** Re-evaluates what to select for after a change of the faults. */
  void faultsChanged() {
    updateInterest();
    if (!faults.partitioned && !writes.isEmpty()) {
      hub.markDirty(this);
    }
  }

  // ---- called by the hub on readiness ----

  void onConnectable() {
    if (isClosed() || broken) {
      return;
    }
    try {
      if (!channel.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      fail("cannot connect: " + e.getMessage());
      return;
    }
    opened();
  }

  private void opened() {
    open = true;
    updateInterest();
    if (!writes.isEmpty()) {
      hub.markDirty(this);
    }
  }

  void onReadable(ByteBuffer scratch) {
    for (int i = 0; i < READS_PER_TURN; i++) {
      if (isClosed() || stale || broken || faults.partitioned) {
        return;
      }
      scratch.clear();
      int n;
      try {
        n = channel.read(scratch);
      } catch (IOException e) {
        fail("read failed: " + e.getMessage());
        return;
      }
      if (n < 0) {
        fail("the broker closed the connection");
        return;
      }
      if (n == 0) {
        return;
      }
      traffic.bytesIn += n;
      hub.traffic().bytesIn += n;
      scratch.flip();
      try {
        decoder.feed(scratch, this::received);
      } catch (MalformedPacketException e) {
        LinkLog.log(
            LOG, Level.WARNING, "sim.link.malformed", "node", node, "cause", e.getMessage());
        fail("malformed packet from the broker: " + e.getMessage());
        return;
      }
      if (n < scratch.capacity()) {
        return; // drained what the kernel had
      }
    }
  }

  private void received(Packet packet) {
    if (isClosed() || stale || broken) {
      return;
    }
    traffic.packetsIn++;
    hub.traffic().packetsIn++;
    if (packet instanceof Publish) {
      traffic.publishesIn++;
      hub.traffic().publishesIn++;
    }
    if (faults.latencyNanos > 0 || !inbound.isEmpty()) {
      inbound.add(packet, faults.latencyNanos);
    } else {
      peer.onPacket(packet);
    }
  }

  /**
   * Writes what is queued, as far as the socket takes it.
   *
   * @param gather the hub's scratch array for gathering writes, {@link #GATHER} long; left empty
   */
  void flush(ByteBuffer[] gather) {
    if (isClosed() || stale || broken || !open || faults.partitioned) {
      return;
    }
    while (!writes.isEmpty()) {
      int count = 0;
      for (Frame frame : writes) {
        gather[count++] = frame.bytes();
        if (count == GATHER) {
          break;
        }
      }
      boolean full;
      try {
        long written = channel.write(gather, 0, count);
        traffic.bytesOut += written;
        hub.traffic().bytesOut += written;
        full = gather[count - 1].hasRemaining();
      } catch (IOException e) {
        fail("write failed: " + e.getMessage());
        return;
      } finally {
        Arrays.fill(gather, 0, count, null);
      }
      while (!writes.isEmpty() && !writes.peekFirst().bytes().hasRemaining()) {
        Frame done = writes.pollFirst();
        traffic.packetsOut++;
        hub.traffic().packetsOut++;
        if (done.publish()) {
          traffic.publishesOut++;
          hub.traffic().publishesOut++;
        }
      }
      if (full) {
        break; // the socket takes no more now: OP_WRITE says when it does
      }
    }
    if (closeWhenFlushed && writes.isEmpty() && outbound.isEmpty()) {
      close();
      return;
    }
    updateInterest();
  }

  /**
   * Ends the connection as broken after an internal error while handling it: the peer hears of it
   * as of any other failure (and its link reconnects); closes the socket if even that fails.
   */
  void abort(String cause) {
    try {
      fail(cause);
    } finally {
      close();
    }
  }

  private void fail(String cause) {
    if (broken || isClosed()) {
      return;
    }
    broken = true;
    setInterest(0);
    peer.onBroken(cause);
  }

  private void updateInterest() {
    if (isClosed() || stale || broken) {
      return;
    }
    int ops;
    if (!open) {
      ops = SelectionKey.OP_CONNECT;
    } else if (faults.partitioned) {
      ops = 0;
    } else {
      ops = SelectionKey.OP_READ | (writes.isEmpty() ? 0 : SelectionKey.OP_WRITE);
    }
    setInterest(ops);
  }

  private void setInterest(int ops) {
    try {
      if (key != null && key.isValid() && key.interestOps() != ops) {
        key.interestOps(ops);
      }
    } catch (CancelledKeyException e) {
      // Closed meanwhile: nothing to select for.
    }
  }

  /**
   * Items held back by the simulated latency, in order. Each item leaves at {@code max(its arrival
   * + latency, the previous item's departure)}, so order holds when the latency changes. One timer
   * at a time, for the head.
   */
  private final class DelayLine<T> {
    private record Held<T>(long dueNanos, T item) {}

    private final ArrayDeque<Held<T>> items = new ArrayDeque<>();
    private final Consumer<T> deliver;
    private long lastDue = Long.MIN_VALUE;
    private ScheduledFuture<?> timer;

    DelayLine(Consumer<T> deliver) {
      this.deliver = deliver;
    }

    boolean isEmpty() {
      return items.isEmpty();
    }

    void add(T item, long delayNanos) {
      long now = hub.nanoTime();
      long due = items.isEmpty() ? now + delayNanos : Math.max(now + delayNanos, lastDue);
      lastDue = due;
      items.add(new Held<>(due, item));
      if (timer == null) {
        arm(now);
      }
    }

    private void arm(long now) {
      timer = hub.schedule(this::release, Math.max(0, items.peekFirst().dueNanos() - now));
    }

    private void release() {
      timer = null;
      long now = hub.nanoTime();
      while (!items.isEmpty() && items.peekFirst().dueNanos() - now <= 0) {
        if (isClosed() || stale || broken) {
          items.clear();
          return;
        }
        deliver.accept(items.pollFirst().item());
      }
      if (!items.isEmpty()) {
        arm(now);
      }
    }

    void clear() {
      items.clear();
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}
