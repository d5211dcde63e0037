package dev.flotilla.agent.cli;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.config.AgentConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the edge agent: {@code flotilla agent --config FILE} or {@code java -jar
 * flotilla-agent.jar --config FILE}. Runs until SIGTERM or SIGINT, then stops cleanly (presence
 * OFFLINE, store closed). Exit status 2 for a usage or configuration error.
 */
public final class AgentMain {
  static final int USAGE = 2;

  private AgentMain() {}

  public static void main(String[] args) {
    // One line per log record: time, level, message (set before the first logger is made).
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
    AgentConfig config;
    try {
      config = parse(args, System.getenv(), System.out, System.err);
    } catch (AgentConfigException e) {
      System.err.println("flotilla agent: " + e.getMessage());
      System.exit(USAGE);
      return;
    }
    if (config == null) {
      System.exit(0);
      return;
    }
    Agent agent = Agent.start(config, Clock.systemUTC());
    agent
        .core()
        .firstReconcile()
        .thenAccept(
            at ->
                System.getLogger(AgentMain.class.getName())
                    .log(
                        System.Logger.Level.INFO,
                        "agent.first-reconcile ms-since-jvm-start={0}",
                        ProcessHandle.current()
                            .info()
                            .startInstant()
                            .map(start -> java.time.Duration.between(start, at).toMillis())
                            .orElse(-1L)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "flotilla-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * @return the configuration, or null when only help was asked for
   * @throws AgentConfigException for a usage or configuration error
   */
  static AgentConfig parse(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-c" -> {
          if (i + 1 >= args.length) {
            throw new AgentConfigException("--config needs a file");
          }
          config = Path.of(args[++i]);
        }
        case "--train" -> {
          if (i + 1 >= args.length) {
            throw new AgentConfigException("--train needs a scratch directory");
          }
          Training.run(Path.of(args[++i]));
          return null;
        }
        case "--help", "-h" -> {
          out.println("usage: flotilla agent --config FILE");
          out.println("  FILE is a properties file; every key can be overridden by an");
          out.println("  environment variable FLOTILLA_<KEY> (see docs/agent.md).");
          return null;
        }
        default ->
            throw new AgentConfigException("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    if (config == null) {
      throw new AgentConfigException("--config FILE is required (try --help)");
    }
    return AgentConfig.load(config, env);
  }
}
