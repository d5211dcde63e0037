package dev.flotilla.agent.health;

import dev.flotilla.agent.model.ProbeSpec;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one probe once. HTTP and TCP probes reach the workload through the host port that publishes
 * the probe's container port (on 127.0.0.1, or the mapping's own address); exec probes run inside
 * the container. Blocking, bounded by the probe's timeout; called on the probe threads, never on
 * the reconcile thread.
 */
public final class Prober {
  private final ContainerRuntime runtime;

  public Prober(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * @param detail why a probe failed, for events
   */
  public record Result(boolean success, String detail) {}

  public Result probe(WorkloadSpec spec, ProbeSpec probe, String containerId) {
    Duration timeout = probe.timeout();
    return switch (probe.check()) {
      case ProbeSpec.Http http ->
          address(spec, http.port())
              .map(a -> http(a, http.path(), timeout))
              .orElseGet(() -> unpublished(http.port()));
      case ProbeSpec.Tcp tcp ->
          address(spec, tcp.port())
              .map(a -> tcp(a, timeout))
              .orElseGet(() -> unpublished(tcp.port()));
      case ProbeSpec.Exec exec -> exec(containerId, exec, timeout);
    };
  }

  private static Result unpublished(int port) {
    return new Result(
        false, "container port " + port + " is not published, so the agent cannot reach it");
  }

  static Optional<InetSocketAddress> address(WorkloadSpec spec, int containerPort) {
    return spec.ports().stream()
        .filter(p -> !p.udp() && p.containerPort() == containerPort)
        .findFirst()
        .map(
            p ->
                new InetSocketAddress(
                    p.hostIp().isEmpty() || p.hostIp().equals("0.0.0.0") ? "127.0.0.1" : p.hostIp(),
                    p.hostPort()));
  }

  private static Result tcp(InetSocketAddress address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) timeout.toMillis());
      return new Result(true, "connected");
    } catch (IOException e) {
      return new Result(false, "tcp " + address + ": " + e.getMessage());
    }
  }

  /** A minimal HTTP/1.1 GET: no client library, no threads; 2xx and 3xx are healthy. */
  private static Result http(InetSocketAddress address, String path, Duration timeout) {
    try (Socket socket = new Socket()) {
      int millis = (int) timeout.toMillis();
      socket.connect(address, millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + address.getHostString()
                  + "\r\nUser-Agent: flotilla-agent\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      String statusLine = new String(head, StandardCharsets.US_ASCII);
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
        return new Result(false, "http " + address + path + ": not an HTTP response");
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      return new Result(status >= 200 && status < 400, "http " + path + " answered " + status);
    } catch (IOException | NumberFormatException e) {
      return new Result(false, "http " + address + path + ": " + e.getMessage());
    }
  }

  private Result exec(String containerId, ProbeSpec.Exec exec, Duration timeout) {
    try {
      ContainerRuntime.ExecResult r = runtime.exec(containerId, exec.command(), timeout);
      return new Result(
          r.exitCode() == 0,
          r.exitCode() == -1 ? "exec timed out after " + timeout : "exec exited " + r.exitCode());
    } catch (ContainerRuntimeException e) {
      return new Result(false, "exec failed: " + e.getMessage());
    }
  }
}
