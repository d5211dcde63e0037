package dev.flotilla.cli.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A rollout's progress as {@code rollout status} draws it: a heading and a bar per step, each
 * step's released, healthy (updated) and failed nodes against the step's target. Pure.
 *
 * @param id the rollout's id
 * @param deployment the deployment's name
 * @param fromRevision the revision the nodes ran
 * @param toRevision the revision it brings
 * @param state the API's rollout state (PROGRESSING, PAUSED, SUCCEEDED, ...)
 * @param step the current step, from 0
 * @param steps how many steps (canary steps, waves; 1 otherwise)
 * @param targeted nodes the rollout takes to the new revision; -1 when finished (no counts)
 * @param released nodes released so far
 * @param updated nodes running the new revision healthy for the soak time
 * @param failed nodes that failed
 * @param stepTargets for a canary, the nodes released by the end of each step (cumulative); empty
 *     otherwise, when the only target known is {@code targeted}
 * @param message the rollout's last message or pause reason; may be empty
 */
public record RolloutProgress(
    long id,
    String deployment,
    int fromRevision,
    int toRevision,
    String state,
    int step,
    int steps,
    int targeted,
    int released,
    int updated,
    int failed,
    List<Integer> stepTargets,
    String message) {
  /** The states a rollout ends in. */
  public static final Set<String> FINAL =
      Set.of("SUCCEEDED", "ROLLED_BACK", "ABORTED", "SUPERSEDED", "FAILED");

  private static final int BAR = 24;

  public RolloutProgress {
    stepTargets = List.copyOf(stepTargets);
  }

  public boolean finished() {
    return FINAL.contains(state);
  }

  /** The canary's cumulative target after each step: at least 1, the percent rounded up. */
  public static List<Integer> canaryTargets(List<Integer> percents, int targeted) {
    List<Integer> out = new ArrayList<>();
    for (int p : percents) {
      out.add(Math.max(1, (int) Math.min(targeted, ((long) p * targeted + 99) / 100)));
    }
    return out;
  }

  /** The heading and one line per step, each ending in a newline. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(heading());
    if (targeted < 0) {
      return out;
    }
    int n = Math.max(1, steps);
    int digits = String.valueOf(targeted).length();
    for (int i = 0; i < n; i++) {
      int target = i < stepTargets.size() ? stepTargets.get(i) : targeted;
      boolean known = i < stepTargets.size() || n == 1 || i == step;
      String label =
          n == 1 ? "nodes" : (stepTargets.isEmpty() ? "wave " : "step ") + (i + 1) + "/" + n;
      if (!known) {
        out.add(label + "  " + (i < step ? "passed" : "to come"));
        continue;
      }
      boolean past = i < step || "SUCCEEDED".equals(state);
      int r = past ? target : Math.min(released, target);
      int u = Math.min(updated, target);
      int f = Math.min(failed, target);
      out.add(
          label
              + "  "
              + bar(u, f, r, target)
              + "  released "
              + pad(r, digits)
              + "/"
              + target
              + "  healthy "
              + pad(u, digits)
              + "/"
              + target
              + "  failed "
              + f
              + (i < step ? "  passed" : i == step && !finished() ? "  current" : ""));
    }
    return out;
  }

  /** One line for a log: the state, the step and the counts. */
  public String summary() {
    StringBuilder s = new StringBuilder(heading());
    if (targeted >= 0) {
      s.append(": released ")
          .append(released)
          .append('/')
          .append(targeted)
          .append(", healthy ")
          .append(updated)
          .append('/')
          .append(targeted)
          .append(", failed ")
          .append(failed);
    }
    return s.toString();
  }

  private String heading() {
    StringBuilder s =
        new StringBuilder("rollout ")
            .append(id)
            .append(" of ")
            .append(deployment)
            .append(": revision ")
            .append(fromRevision)
            .append(" -> ")
            .append(toRevision)
            .append(", ")
            .append(state);
    if (!finished() && steps > 1) {
      s.append(", step ").append(step + 1).append('/').append(steps);
    }
    if (!message.isEmpty()) {
      s.append(" (").append(message).append(')');
    }
    return s.toString();
  }

  /**
   * A bar of {@code width} cells: {@code =} healthy, {@code !} failed, {@code >} released and still
   * updating, {@code .} not released.
   */
  public static String bar(int healthy, int failed, int released, int total, int width) {
    if (total <= 0) {
      return "[" + ".".repeat(width) + "]";
    }
    int h = cells(healthy, total, width);
    int f = Math.min(width - h, cells(failed, total, width));
    int r = Math.min(width - h - f, Math.max(0, cells(released, total, width) - h - f));
    return "["
        + "=".repeat(h)
        + "!".repeat(f)
        + ">".repeat(r)
        + ".".repeat(width - h - f - r)
        + "]";
  }

  private static String bar(int healthy, int failed, int released, int total) {
    return bar(healthy, failed, released, total, BAR);
  }

  private static int cells(int count, int total, int width) {
    return (int) Math.min(width, (long) Math.max(0, count) * width / total);
  }

  private static String pad(int n, int digits) {
    String s = String.valueOf(n);
    return " ".repeat(Math.max(0, digits - s.length())) + s;
  }
}
