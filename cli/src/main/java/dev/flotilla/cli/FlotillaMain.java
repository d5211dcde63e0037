package dev.flotilla.cli;

import dev.flotilla.cli.client.Connection;
import dev.flotilla.cli.client.ConnectionResolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code flotilla} command: one picocli tree for the run commands (controller, agent, demo,
 * simulate, walkthrough), which hand their arguments to the existing mains, and the client
 * commands, which drive a controller through its public HTTP API only (ADR 0008).
 *
 * <p>Exit status: 0 on success, 1 when the API refuses a call or the controller cannot be reached
 * (one line on stderr, {@code flotilla: ...}), 2 for a usage error.
 */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = FlotillaMain.Version.class,
    description = "Flotilla, the edge/IoT fleet orchestrator: run its parts, drive a controller.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "The client commands find the controller and the token in --controller/--token, else",
      "FLOTILLA_CONTROLLER/FLOTILLA_TOKEN, else ~/.config/flotilla/config.yaml (controller: and",
      "token:), else http://localhost:8080 without a token. See docs/cli.md."
    },
    subcommands = {
      RunCommands.Controller.class,
      RunCommands.Agent.class,
      RunCommands.Demo.class,
      RunCommands.Simulate.class,
      RunCommands.Walkthrough.class,
      ApplyCommand.class,
      GetCommand.class,
      DescribeCommand.class,
      DeleteCommand.class,
      LabelCommand.class,
      CordonCommand.class,
      CordonCommand.Uncordon.class,
      RolloutCommand.class,
      WorkloadCommands.Logs.class,
      WorkloadCommands.Restart.class,
      TokenCommands.Token.class,
      TokenCommands.EnrollToken.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FlotillaMain implements Runnable {
  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final Path home;
  private final boolean terminal;

  /** The tree as the launcher runs it: the process's environment and home directory. */
  public FlotillaMain() {
    this(System.getenv(), Path.of(System.getProperty("user.home", ".")), false);
  }

  /**
   * @param env the environment the connection settings are read from
   * @param home the home directory the default config file is under
   * @param terminal whether standard output is a terminal (progress is then redrawn in place)
   */
  public FlotillaMain(Map<String, String> env, Path home, boolean terminal) {
    this.env = Map.copyOf(env);
    this.home = home;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    FlotillaMain main =
        new FlotillaMain(
            System.getenv(), Path.of(System.getProperty("user.home", ".")), Terminals.isTerminal());
    CommandLine cl = commandLine(main);
    int status = cl.execute(args);
    if (ranAPart(cl)) {
      // The run commands' mains own the process: the controller's returns once it has started
      // and keeps running on its own threads until stopped, so exiting here would stop it.
      return;
    }
    System.exit(status);
  }

  /** Whether the command line that ran was a run command (controller, agent, demo, ...). */
  static boolean ranAPart(CommandLine cl) {
    CommandLine.ParseResult r = cl.getParseResult();
    while (r != null && r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r != null && r.commandSpec().userObject() instanceof RunCommands.Delegate;
  }

  /**
   * The command line as {@link #main} runs it: usage errors print one {@code flotilla:} line and a
   * hint instead of the whole usage text.
   */
  public static CommandLine commandLine(FlotillaMain main) {
    CommandLine cl = new CommandLine(main);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          err.println("flotilla: " + ex.getMessage());
          String name = c.getCommandSpec().qualifiedName();
          err.println("see '" + name + " --help'");
          err.flush();
          return c.getCommandSpec().exitCodeOnInvalidInput();
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The connection a client command uses: its flags, then the environment, then the file. */
  Connection connection(ConnectionOptions flags) {
    return ConnectionResolver.resolve(flags.controller, flags.token, flags.config, env, home);
  }

  boolean terminal() {
    return terminal;
  }

  /** The version from the jar's manifest, or the development version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FlotillaMain.class.getPackage().getImplementationVersion();
      return new String[] {"flotilla " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
