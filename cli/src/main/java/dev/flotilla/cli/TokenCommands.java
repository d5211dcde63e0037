package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.cli.client.ApiClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code token create} and {@code enroll-token create}: the secret prints once on stdout (alone, so
 * {@code $(...)} catches it), what it is on stderr; {@code -o json} prints the API's answer.
 */
final class TokenCommands {
  private TokenCommands() {}

  /** {@code flotilla token ...}. */
  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "API tokens: create.",
      subcommands = {TokenCommands.CreateApiToken.class})
  static final class Token extends CommandGroup {}

  /** {@code flotilla enroll-token ...}. */
  @Command(
      name = "enroll-token",
      mixinStandardHelpOptions = true,
      description = "Bootstrap tokens for enrolling nodes: create.",
      subcommands = {TokenCommands.CreateEnrollmentToken.class})
  static final class EnrollToken extends CommandGroup {}

  /**
   * When a token expires: the API writes ISO-8601 text (controllers before 0.1.0's release wrote
   * epoch seconds, a decimal, which is still read); null is never.
   */
  static String expires(JsonNode at) {
    if (at.isNumber()) {
      return Instant.ofEpochSecond(at.longValue()).toString();
    }
    return at.isTextual() ? at.asText() : "never";
  }

  abstract static class Create extends ClientCommand {
    @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
    @Nullable String description;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "text (default: the secret alone) or json.")
    String output = "text";

    /** A request body with {@code ttl} and the description, each when given. */
    ObjectNode body(@Nullable String ttl) {
      ObjectNode body = ApiClient.object();
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      if (description != null) {
        body.put("description", description);
      }
      return body;
    }

    void print(JsonNode issued, String what) {
      switch (output.toLowerCase(Locale.ROOT)) {
        case "json" -> out().print(Output.print(issued, Output.JSON));
        case "text" -> {
          out().println(issued.path("token").asText());
          err()
              .println(
                  "created "
                      + what
                      + " "
                      + issued.path("id").asText()
                      + (issued.path("role").isTextual()
                          ? " (" + issued.path("role").asText() + ")"
                          : "")
                      + ", expires "
                      + expires(issued.path("expiresAt"))
                      + "; the secret is shown only this once");
        }
        default -> throw usage("-o must be text or json, was '" + output + "'");
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an API token; its secret is shown once.")
  static final class CreateApiToken extends Create {
    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        completionCandidates = Roles.class,
        description = "admin (may change things) or viewer (may only read).")
    String role;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "e.g. 30d or 12h (default: no expiry).")
    @Nullable String ttl;

    static final class Roles extends java.util.ArrayList<String> {
      private static final long serialVersionUID = 1L;

      Roles() {
        super(List.of("admin", "viewer"));
      }
    }

    @Override
    int execute() {
      if (!new Roles().contains(role.toLowerCase(Locale.ROOT))) {
        throw usage("--role must be admin or viewer, was '" + role + "'");
      }
      ObjectNode body = body(ttl);
      body.put("role", role.toUpperCase(Locale.ROOT));
      print(api().post("/api/v1/tokens", body), "API token");
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a bootstrap token for enrolling nodes; its secret is shown once.")
  static final class CreateEnrollmentToken extends Create {
    @Option(
        names = "--max-uses",
        paramLabel = "N",
        description = "How many nodes may enroll with it (default 1).")
    @Nullable Integer maxUses;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "e.g. 24h (the default) or 7d.")
    @Nullable String ttl;

    @Override
    int execute() {
      ObjectNode body = body(ttl);
      if (maxUses != null) {
        body.put("maxUses", maxUses);
      }
      print(api().post("/api/v1/enrollment-tokens", body), "enrollment token");
      return 0;
    }
  }
}
