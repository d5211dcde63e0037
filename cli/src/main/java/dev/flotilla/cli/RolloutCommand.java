package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.client.ApiException;
import dev.flotilla.cli.format.Ages;
import dev.flotilla.cli.format.RolloutProgress;
import dev.flotilla.cli.format.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla rollout ...}: watch and control a deployment's rollout (docs/rollouts.md). */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Watch and control rollouts: status, pause, resume, promote, abort, undo, history.",
    subcommands = {
      RolloutCommand.Status.class,
      RolloutCommand.Pause.class,
      RolloutCommand.Resume.class,
      RolloutCommand.Promote.class,
      RolloutCommand.Abort.class,
      RolloutCommand.Undo.class,
      RolloutCommand.History.class
    })
final class RolloutCommand extends CommandGroup {

  /** The rollout view and the deployment's manifest (for the canary's step targets) as progress. */
  static RolloutProgress progress(JsonNode view, @Nullable JsonNode manifest) {
    JsonNode r = view.path("rollout");
    JsonNode p = view.path("progress");
    boolean counts = p.isObject();
    int targeted = counts ? p.path("targeted").asInt() : -1;
    List<Integer> targets = List.of();
    JsonNode strategy = manifest == null ? null : manifest.path("spec").path("strategy");
    if (counts && strategy != null && "Canary".equals(strategy.path("type").asText())) {
      List<Integer> percents = new ArrayList<>();
      strategy.path("steps").forEach(s -> percents.add(s.path("percent").asInt()));
      targets = RolloutProgress.canaryTargets(percents, targeted);
    }
    String message = Fleet.text(r, "pauseReason");
    if (message.isEmpty() && RolloutProgress.FINAL.contains(r.path("state").asText())) {
      message = Fleet.text(r, "message");
    }
    return new RolloutProgress(
        r.path("id").asLong(),
        r.path("deployment").asText(),
        r.path("fromRevision").asInt(),
        r.path("toRevision").asInt(),
        r.path("state").asText(),
        r.path("step").asInt(),
        view.path("steps").asInt(1),
        targeted,
        counts ? p.path("released").asInt() : 0,
        counts ? p.path("updated").asInt() : 0,
        counts ? p.path("failed").asInt() : 0,
        targets,
        message);
  }

  /** {@code rollout status NAME [--watch]}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show a rollout's progress per step; --watch follows it to its end.")
  static final class Status extends ClientCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String name;

    @Option(
        names = {"-w", "--watch"},
        description = "Follow until the rollout ends: exit 0 on SUCCEEDED, 1 otherwise.")
    boolean watch;

    @Option(
        names = "--interval",
        paramLabel = "DURATION",
        description = "How often --watch asks the controller, e.g. 2s or 500ms (default 2s).")
    String interval = "2s";

    @Override
    int execute() {
      Duration every = duration(interval);
      ApiClient api = api();
      JsonNode manifest = Fleet.manifest(api, name);
      JsonNode view = Fleet.rollout(api, name);
      if (view == null) {
        out()
            .println(
                "deployment "
                    + name
                    + " has had no rollout: a first revision goes to every node at once");
        return 0;
      }
      RolloutProgress p = progress(view, manifest);
      boolean terminal = root().terminal();
      List<String> shown = p.lines();
      int drawn = shown.size();
      if (!watch || terminal) {
        shown.forEach(out()::println);
      } else {
        out().println(p.summary());
      }
      out().flush();
      if (!watch) {
        return 0;
      }
      long id = p.id();
      String last = p.summary();
      while (!p.finished()) {
        sleep(every);
        JsonNode next = Fleet.rollout(api, name);
        if (next == null) {
          continue;
        }
        p = progress(next, manifest);
        if (p.id() != id) {
          // A newer rollout replaced the one watched: it ended SUPERSEDED.
          out().println("rollout " + id + " was superseded by rollout " + p.id());
          return FAILED;
        }
        if (terminal) {
          // Back up over what was drawn and draw again, clearing lines a shorter block leaves.
          List<String> block = p.lines();
          out().print("\033[" + drawn + "A");
          int lines = Math.max(drawn, block.size());
          for (int i = 0; i < lines; i++) {
            out().println("\033[2K" + (i < block.size() ? block.get(i) : ""));
          }
          drawn = lines;
        } else if (!p.summary().equals(last)) {
          out().println(p.summary());
        }
        last = p.summary();
        out().flush();
      }
      return "SUCCEEDED".equals(p.state()) ? 0 : FAILED;
    }

    private Duration duration(String text) {
      try {
        if (text.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
          return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
      } catch (NumberFormatException e) {
        // falls through to the usage error
      }
      throw usage("--interval must be a duration such as 2s or 500ms, was '" + text + "'");
    }

    private void sleep(Duration d) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(0, "", "", "interrupted");
      }
    }
  }

  /**
   * A command on the rollout in progress: {@code POST /deployments/{name}/rollout/{command}}, where
   * the command is the sub-command's own name.
   */
  abstract static class Control extends ClientCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String name;

    /** What the rollout is after the command: "paused", say. */
    private final String done;

    Control(String done) {
      this.done = done;
    }

    @Override
    int execute() {
      JsonNode view =
          api().post(path("/api/v1/deployments", name) + "/rollout/" + spec.name(), null);
      JsonNode r = view == null ? null : view.path("rollout");
      out()
          .println(
              "rollout "
                  + (r == null ? "" : r.path("id").asText() + " ")
                  + "of "
                  + name
                  + " "
                  + done
                  + (r == null ? "" : " (" + r.path("state").asText() + ")"));
      return 0;
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Release no more nodes until resumed.")
  static final class Pause extends Control {
    Pause() {
      super("paused");
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Go on releasing; failures so far are accepted.")
  static final class Resume extends Control {
    Resume() {
      super("resumed");
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Skip the current pause, or the current step's gate.")
  static final class Promote extends Control {
    Promote() {
      super("promoted");
    }
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = "Stop the rollout; every node goes back to the stable revision.")
  static final class Abort extends Control {
    Abort() {
      super("aborted");
    }
  }

  /** {@code rollout undo NAME [--to-revision N]}. */
  @Command(
      name = "undo",
      mixinStandardHelpOptions = true,
      description = "Go back to an earlier revision through a new rollout.")
  static final class Undo extends ClientCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String name;

    @Option(
        names = "--to-revision",
        paramLabel = "N",
        description = "The revision (default: the one the last rollout started from).")
    @Nullable Integer toRevision;

    @Override
    int execute() {
      ObjectNode body = ApiClient.object();
      if (toRevision != null) {
        body.put("toRevision", toRevision);
      }
      JsonNode answer = api().post(path("/api/v1/deployments", name) + "/undo", body);
      int revision = answer == null ? 0 : answer.path("revision").asInt();
      JsonNode rollout = answer == null ? null : answer.path("rollout");
      if (rollout == null || rollout.isNull() || rollout.isMissingNode()) {
        out()
            .println(
                "deployment.flotilla.dev/"
                    + name
                    + " back to revision "
                    + revision
                    + " (every node runs it again; no rollout)");
      } else {
        out()
            .println(
                "deployment.flotilla.dev/"
                    + name
                    + " rolling back to revision "
                    + revision
                    + " (rollout "
                    + rollout.path("rollout").path("id").asText()
                    + ")");
      }
      return 0;
    }
  }

  /** {@code rollout history NAME}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "A deployment's revisions and its rollouts, newest rollout first.")
  static final class History extends ClientCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String name;

    @Override
    int execute() {
      ApiClient api = api();
      Instant now = now();
      String base = path("/api/v1/deployments", name);
      Table revisions = new Table("REVISION", "IMAGE", "AGE");
      for (JsonNode rev : api.get(base + "/revisions")) {
        revisions.row(
            rev.path("revision").asText(),
            rev.path("manifest").path("spec").path("template").path("image").asText(""),
            Ages.since(Fleet.text(rev, "createdAt"), now));
      }
      out().print(revisions.render());
      out().println();
      Table rollouts = new Table("ROLLOUT", "REVISIONS", "STATE", "CAUSE", "AGE", "MESSAGE");
      for (JsonNode r : Fleet.rollouts(api, name, 100)) {
        rollouts.row(
            r.path("id").asText(),
            r.path("fromRevision").asInt() + "->" + r.path("toRevision").asInt(),
            r.path("state").asText(),
            Fleet.text(r, "cause"),
            Ages.since(Fleet.text(r, "createdAt"), now),
            Fleet.text(r, "message"));
      }
      if (rollouts.isEmpty()) {
        out().println("no rollouts: a first revision goes to every node at once");
      } else {
        out().print(rollouts.render());
      }
      return 0;
    }
  }
}
