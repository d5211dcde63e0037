package dev.flotilla.simulator.cli;

import dev.flotilla.controller.Controller;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The controller process of a simulation: the real controller (API, embedded broker, store,
 * dispatcher, rollout engine) exactly as {@code flotilla controller} runs it, in a JVM of its own
 * so that its CPU, heap and open files are its own, driven by the simulator over its standard
 * input.
 *
 * <p>Arguments: {@code key=value} configuration properties (e.g. {@code flotilla.data-dir=...},
 * {@code micronaut.server.port=...}). Lines written to standard output that start with {@link
 * #PREFIX} are for the simulator ({@code ready}, {@code stats CPU_NANOS HEAP_USED HEAP_MAX} every
 * second, {@code broker-restarted}, {@code failed WHY}); everything else is the controller's log.
 * Commands read from standard input: {@code restart-broker MILLIS} (the broker goes down for that
 * long, see {@link Controller#restartBroker}) and {@code stop}; the end of the input stops the
 * controller too, so it never outlives the simulator.
 */
public final class ControllerProcessMain {
  public static final String PREFIX = "@@flotilla-sim ";

  private ControllerProcessMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Map<String, Object> props = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      props.put(a.substring(0, eq), a.substring(eq + 1));
    }
    ApplicationContext context;
    try {
      context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    } catch (RuntimeException e) {
      say(out, "failed " + e.toString().replace('\n', ' '));
      System.exit(1);
      return;
    }
    Controller controller = context.getBean(Controller.class);
    ScheduledExecutorService stats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sim-controller-stats");
              t.setDaemon(true);
              return t;
            });
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var memory = ManagementFactory.getMemoryMXBean();
    stats.scheduleAtFixedRate(
        () -> {
          MemoryUsage heap = memory.getHeapMemoryUsage();
          say(out, "stats " + os.getProcessCpuTime() + " " + heap.getUsed() + " " + heap.getMax());
        },
        0,
        1,
        TimeUnit.SECONDS);
    say(out, "ready");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String command = line.trim();
        if (command.startsWith("restart-broker")) {
          String[] parts = command.split(" ");
          long millis = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
          try {
            controller.restartBroker(Duration.ofMillis(millis));
            say(out, "broker-restarted");
          } catch (RuntimeException e) {
            say(out, "failed " + e.toString().replace('\n', ' '));
          }
        } else if (command.equals("stop")) {
          break;
        }
      }
    }
    stats.shutdownNow();
    context.close();
    say(out, "stopped");
    System.exit(0);
  }

  private static void say(PrintStream out, String line) {
    synchronized (out) {
      out.println(PREFIX + line);
      out.flush();
    }
  }
}
