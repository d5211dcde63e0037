package dev.flotilla.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotilla completion bash}: {@code source <(./flotilla completion bash)}. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = "Print a shell completion script: source <(./flotilla completion bash).")
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash (zsh reads it too, after bashcompinit)")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "completion supports bash (and zsh through bashcompinit), not '" + shell + "'");
    }
    spec.commandLine().getOut().print(AutoComplete.bash("flotilla", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
