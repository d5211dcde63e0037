package dev.flotilla.simulator.link;

/**
 * What crossed the sockets of one link, or of a whole hub. Written by the hub thread only (so the
 * read-modify-write of a volatile is safe: there is one writer), read from any thread; a reader may
 * see one field a packet ahead of another.
 */
final class Traffic {
  volatile long bytesIn;
  volatile long bytesOut;
  volatile long packetsIn;
  volatile long packetsOut;
  volatile long publishesIn;
  volatile long publishesOut;
}
