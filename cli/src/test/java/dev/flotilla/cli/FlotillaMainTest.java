package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command tree without a controller: run commands' arguments, help, usage errors. */
class FlotillaMainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new FlotillaMain(Map.of(), Path.of("/nonexistent-home"), false))
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void runCommandsKeepEveryArgumentInOrderForTheirMain() {
    CommandLine cl = new CommandLine(new FlotillaMain());
    ParseResult r =
        cl.parseArgs(
            "simulate",
            "--scenario",
            "demo",
            "--controller=http://c:8080",
            "--token",
            "t",
            "--help");
    RunCommands.Delegate simulate =
        (RunCommands.Delegate) r.subcommand().commandSpec().userObject();
    assertEquals(
        List.of(
            "simulate",
            "--scenario",
            "demo",
            "--controller=http://c:8080",
            "--token",
            "t",
            "--help"),
        List.of(simulate.prefixed("simulate")));
  }

  @Test
  void theControllersOwnSystemPropertyStyleArgumentsPassThrough() {
    CommandLine cl = new CommandLine(new FlotillaMain());
    ParseResult r = cl.parseArgs("controller", "-Dmicronaut.server.port=9090", "extra");
    RunCommands.Delegate controller =
        (RunCommands.Delegate) r.subcommand().commandSpec().userObject();
    assertEquals(List.of("-Dmicronaut.server.port=9090", "extra"), List.of(controller.arguments()));
  }

  @Test
  void aRunCommandLeavesTheProcessToItsMainAndAClientCommandDoesNot() {
    CommandLine run = new CommandLine(new FlotillaMain());
    run.parseArgs("controller", "--help");
    assertTrue(FlotillaMain.ranAPart(run));
    CommandLine client = new CommandLine(new FlotillaMain());
    client.parseArgs("get", "nodes");
    assertFalse(FlotillaMain.ranAPart(client));
  }

  @Test
  void helpListsEveryCommandWithItsDescription() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String command :
        List.of(
            "controller",
            "agent",
            "demo",
            "simulate",
            "walkthrough",
            "apply",
            "get",
            "describe",
            "delete",
            "label",
            "cordon",
            "uncordon",
            "rollout",
            "logs",
            "restart",
            "token",
            "enroll-token",
            "completion")) {
      assertTrue(r.out().contains("\n  " + command + " "), command + " missing from:\n" + r.out());
    }
  }

  @Test
  void everyClientCommandHasHelp() {
    for (String[] args :
        List.of(
            new String[] {"get", "--help"},
            new String[] {"rollout", "status", "--help"},
            new String[] {"token", "create", "--help"},
            new String[] {"enroll-token", "create", "--help"},
            new String[] {"label", "--help"})) {
      Run r = run(args);
      assertEquals(0, r.code(), String.join(" ", args));
      assertTrue(r.out().contains("--controller=URL"), r.out());
    }
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, run("get").code());
    assertEquals(2, run("get", "nodes", "--bogus").code());
    assertEquals(2, run("get", "nodes", "-o", "xml").code());
    assertEquals(2, run("get", "gadgets").code());
    assertEquals(2, run("label", "node", "n1", "nonsense").code());
    assertEquals(2, run("nosuchcommand").code());
    Run r = run("get", "deployments", "-l", "site=north");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("-l/--selector works for nodes only"), r.err());
  }

  @Test
  void aUsageErrorIsOneFlotillaLineAndAHintThroughTheLaunchersCommandLine() {
    StringWriter err = new StringWriter();
    int code =
        FlotillaMain.commandLine(new FlotillaMain(Map.of(), Path.of("/nonexistent"), false))
            .setErr(new PrintWriter(err))
            .execute("get", "nodes", "--bogus");
    assertEquals(2, code);
    assertEquals(
        "flotilla: Unknown option: '--bogus'\nsee 'flotilla get --help'\n", err.toString());
  }

  @Test
  void completionPrintsABashScriptThatKnowsTheCommands() {
    Run r = run("completion", "bash");
    assertEquals(0, r.code());
    assertTrue(
        r.out().contains("complete -F"), r.out().substring(0, Math.min(300, r.out().length())));
    assertTrue(r.out().contains("enroll-token"));
    assertEquals(2, run("completion", "fish").code());
  }
}
