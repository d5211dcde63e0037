package dev.flotilla.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The client commands' {@code --controller}, {@code --token} and {@code --config}, a mixin of each
 * client command. Not on the root and not inherited: the run commands hand every argument to their
 * mains, and {@code simulate} has a {@code --controller} and a {@code --token} of its own.
 */
final class ConnectionOptions {
  @Option(
      names = "--controller",
      paramLabel = "URL",
      description =
          "The controller's URL (else FLOTILLA_CONTROLLER, the config file, or"
              + " http://localhost:8080).")
  @Nullable String controller;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "An API token (else FLOTILLA_TOKEN or the config file).")
  @Nullable String token;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The config file (default $XDG_CONFIG_HOME/flotilla/config.yaml, else"
              + " ~/.config/flotilla/config.yaml).")
  @Nullable String config;
}
