package dev.flotilla.controller.rollout;

import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Type;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The rollout state machine: {@code step(rollout, progress, now) -> decision}. Pure: no I/O, no
 * clock, no threads; the dispatcher calls it on every run for every active rollout and stores what
 * it decides, compare-and-set on the rollout's version.
 *
 * <p>A step releases the new revision to more nodes as the strategy allows, judges every released
 * node against the health gate ({@link #classify}), stops the rollout when failures pass the error
 * threshold, and moves to the next step (canary step or wave) once the current one passed its gate,
 * through the pause the strategy puts after it. Several steps can pass in one call when nothing
 * waits between them. Unreachable nodes neither pass nor fail: they are released like the others
 * (they find the new revision retained when they come back), do not hold a step back unless the
 * strategy waits for a quorum, and never count as failed.
 */
public final class RolloutEngine {
  /** At most this many per-node failure notes in one decision; the rest are summed up. */
  static final int MAX_NODE_NOTES = 20;

  private RolloutEngine() {}

  /** Something worth an event: a stable type, a severity and a sentence. */
  public record Note(String type, String severity, String message) {}

  /**
   * @param update what to store; null when nothing changed
   * @param counts the nodes by condition after this decision (newly released nodes count as
   *     updating)
   */
  public record Decision(@Nullable RolloutUpdate update, Counts counts, List<Note> notes) {
    public Decision {
      Objects.requireNonNull(counts, "counts");
      notes = List.copyOf(notes);
    }

    public boolean changed() {
      return update != null;
    }
  }

  /** A node's condition and, when failed, why. */
  public record Judgement(NodeCondition condition, String why) {}

  // ---- judging one node ---------------------------------------------------------------------

  /** Where one targeted node stands (see {@link NodeCondition}). */
  public static NodeCondition classify(Rollout rollout, NodeProgress node, Instant now) {
    return judge(rollout, node, now).condition();
  }

  /**
   * The health gate for one node. A released node is failed once the rollout counted it failed
   * (sticky), or when it reports the new revision crash-looping, failed (a refused image, a
   * blue-green fallback) or running with its probe failing, or when it is reachable and has not
   * passed the gate within the progress deadline (counted from its release, or from its return when
   * it was unreachable). It is updated when it reports the new revision running and healthy (or
   * without a probe) for the soak time since both its release and that report's state began.
   */
  public static Judgement judge(Rollout rollout, NodeProgress node, Instant now) {
    ReleasedNode released = node.released();
    if (released == null) {
      return new Judgement(NodeCondition.PENDING, "");
    }
    if (released.failed()) {
      return new Judgement(NodeCondition.FAILED, released.failure());
    }
    if (node.state() == NodeState.UNREACHABLE) {
      return new Judgement(NodeCondition.UNREACHABLE, "");
    }
    RolloutStrategy s = rollout.strategy();
    String to = Integer.toString(rollout.record().toRevision());
    WorkloadObservation o = node.observed();
    if (o != null && o.revision().equals(to)) {
      switch (o.state()) {
        case "CRASH_LOOP" -> {
          return failed(
              "revision " + to + " is crash-looping (" + o.restartCount() + " restarts)", o);
        }
        case "FAILED" -> {
          return failed("revision " + to + " failed", o);
        }
        case "WAITING" -> {
          return new Judgement(NodeCondition.WAITING, "");
        }
        default -> {}
      }
      if (o.state().equals("RUNNING") && o.health().equals("UNHEALTHY")) {
        return failed("revision " + to + " fails its health probe", o);
      }
      if (o.ok()) {
        Instant healthySince = latest(released.releasedAt(), o.since());
        if (!now.isBefore(healthySince.plus(s.soak()))) {
          return new Judgement(NodeCondition.UPDATED, "");
        }
      }
    }
    // The deadline runs from the release, from the node's return when it was unreachable, and
    // from the node's last change of state of the new revision (leaving WAITING when a window
    // opens, PULLING to STARTING): it catches a node stuck, not one that waited.
    Instant clockFrom = latest(released.releasedAt(), node.stateSince());
    if (o != null && o.revision().equals(to)) {
      clockFrom = latest(clockFrom, o.since());
    }
    if (!now.isBefore(clockFrom.plus(s.progressDeadline()))) {
      String last =
          o == null
              ? "it reported nothing of the workload"
              : "last reported revision " + o.revision() + " " + o.state() + "/" + o.health();
      return new Judgement(
          NodeCondition.FAILED,
          "not running revision "
              + to
              + " healthy within the progress deadline of "
              + human(s.progressDeadline())
              + "; "
              + last);
    }
    return new Judgement(NodeCondition.UPDATING, "");
  }

  private static Judgement failed(String what, WorkloadObservation o) {
    return new Judgement(
        NodeCondition.FAILED, o.message().isEmpty() ? what : what + ": " + o.message());
  }

  private static Instant latest(Instant a, @Nullable Instant b) {
    return b != null && b.isAfter(a) ? b : a;
  }

  /** The nodes by condition. */
  public static Counts count(Rollout rollout, List<NodeProgress> nodes, Instant now) {
    return Counts.of(nodes.stream().map(n -> judge(rollout, n, now).condition()).toList());
  }

  // ---- the step -----------------------------------------------------------------------------

  /**
   * Decides the rollout's next move from its nodes as they are at {@code now}.
   *
   * @param nodes every node the deployment is placed on, in any order
   */
  public static Decision step(Rollout rollout, List<NodeProgress> nodes, Instant now) {
    RolloutRecord r = rollout.record();
    RolloutStrategy s = rollout.strategy();
    Draft d = new Draft(r);
    List<Note> notes = new ArrayList<>();

    // Judge every node once; newly released nodes are added to this map as UPDATING.
    Map<NodeId, Judgement> judged = new LinkedHashMap<>();
    int newFailures = 0;
    for (NodeProgress n : nodes) {
      Judgement j = judge(rollout, n, now);
      judged.put(n.node(), j);
      if (j.condition() == NodeCondition.FAILED && !n.released().failed()) {
        d.failures.put(n.node(), j.why());
        if (newFailures++ < MAX_NODE_NOTES) {
          notes.add(
              new Note(
                  "rollout.node-failed",
                  "WARNING",
                  "node " + n.node() + " failed revision " + r.toRevision() + ": " + j.why()));
        }
      }
    }
    if (newFailures > MAX_NODE_NOTES) {
      notes.add(
          new Note(
              "rollout.node-failed",
              "WARNING",
              (newFailures - MAX_NODE_NOTES) + " more nodes failed revision " + r.toRevision()));
    }
    if (!r.state().active()) {
      return new Decision(null, tally(judged), List.of());
    }

    List<List<NodeProgress>> groups = groups(s, nodes);
    int last = groups.size() - 1;
    d.step = Math.min(Math.max(0, d.step), last);

    String breach = breach(rollout, groups, judged, nodes, now);
    if (breach != null) {
      if (s.onFailure() == RolloutStrategy.OnFailure.ROLLBACK) {
        d.state = RolloutState.ROLLED_BACK;
        d.finishedAt = now;
        d.pausedUntil = null;
        d.pauseReason = "";
        d.message = "rolled back to revision " + r.fromRevision() + ": " + breach;
        notes.add(new Note("rollout.rolled-back", "ERROR", d.message));
        return d.decision(tally(judged), notes);
      }
      if (d.state == RolloutState.PROGRESSING) {
        d.state = RolloutState.PAUSED;
        d.pauseReason = "error threshold exceeded: " + breach;
        d.message = "paused: " + breach;
        notes.add(new Note("rollout.paused", "ERROR", d.message));
      }
      return d.decision(tally(judged), notes);
    }
    if (d.state == RolloutState.PAUSED) {
      return d.decision(tally(judged), notes);
    }
    if (d.pausedUntil != null) {
      if (now.isBefore(d.pausedUntil)) {
        return d.decision(tally(judged), notes);
      }
      d.pausedUntil = null;
    }

    int targeted = nodes.size();
    if (targeted == 0) {
      d.state = RolloutState.SUCCEEDED;
      d.finishedAt = now;
      d.message = "revision " + r.toRevision() + " rolled out: the deployment is placed on no node";
      notes.add(new Note("rollout.succeeded", "INFO", d.message));
      return d.decision(tally(judged), notes);
    }
    for (int guard = 0; guard <= groups.size(); guard++) {
      release(rollout, d, groups, judged, targeted, now, notes);
      if (!passed(rollout, d.step, groups, judged, targeted)) {
        break;
      }
      if (d.step >= last) {
        Counts c = tally(judged);
        d.state = RolloutState.SUCCEEDED;
        d.finishedAt = now;
        d.message =
            "revision "
                + r.toRevision()
                + " rolled out: "
                + c.updated()
                + " of "
                + c.targeted()
                + " nodes updated"
                + (c.unreachable() + c.pending() > 0
                    ? ", "
                        + (c.unreachable() + c.pending())
                        + " unreachable get it when they return"
                    : "")
                + (c.failed() > 0 ? ", " + c.failed() + " failed" : "");
        notes.add(new Note("rollout.succeeded", "INFO", d.message));
        break;
      }
      Pause pause = pauseAfter(s, d.step);
      String passed = stepName(s, d.step, groups) + " passed";
      d.step++;
      d.stepStartedAt = now;
      if (pause.untilResumed()) {
        d.state = RolloutState.PAUSED;
        d.pauseReason = passed + "; waiting to be resumed or promoted";
        d.message = d.pauseReason;
        notes.add(new Note("rollout.step-passed", "INFO", d.message));
        break;
      }
      if (!pause.none()) {
        d.pausedUntil = now.plus(pause.duration());
        d.message = passed + "; pausing " + human(pause.duration());
        notes.add(new Note("rollout.step-passed", "INFO", d.message));
        break;
      }
      d.message = passed;
      notes.add(new Note("rollout.step-passed", "INFO", d.message));
    }
    return d.decision(tally(judged), notes);
  }

  /** The number of steps (canary steps, waves) the rollout of these nodes goes through. */
  public static int stepCount(RolloutStrategy s, List<NodeProgress> nodes) {
    return groups(s, nodes).size();
  }

  /**
   * The nodes in release order, split into steps: one group for rolling and all-at-once, one per
   * wave for waves (by the order the strategy gives, then the other values sorted, then the nodes
   * without the label), and for canary one group whose growing prefixes make the steps.
   */
  private static List<List<NodeProgress>> groups(RolloutStrategy s, List<NodeProgress> nodes) {
    List<NodeProgress> ordered = new ArrayList<>(nodes);
    ordered.sort(RELEASE_ORDER);
    if (s.type() == Type.CANARY) {
      List<List<NodeProgress>> out = new ArrayList<>();
      for (int i = 0; i < s.steps().size(); i++) {
        out.add(ordered);
      }
      return out;
    }
    if (s.type() != Type.WAVES) {
      return List.of(ordered);
    }
    RolloutStrategy.Waves w = Objects.requireNonNull(s.waves());
    Map<String, List<NodeProgress>> byValue = new TreeMap<>();
    List<NodeProgress> unlabelled = new ArrayList<>();
    for (NodeProgress n : ordered) {
      String v = n.labels().get(w.labelKey());
      if (v == null) {
        unlabelled.add(n);
      } else {
        byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
      }
    }
    List<List<NodeProgress>> out = new ArrayList<>();
    for (String v : w.order()) {
      List<NodeProgress> g = byValue.remove(v);
      if (g != null) {
        out.add(g);
      }
    }
    out.addAll(byValue.values());
    if (!unlabelled.isEmpty()) {
      out.add(unlabelled);
    }
    if (out.isEmpty()) {
      out.add(List.of());
    }
    return out;
  }

  /**
   * Reachable nodes first (ready before the others), then a hash of the node id, which spreads
   * canaries over sites and districts instead of taking the first ids, and stays the same from run
   * to run.
   */
  static final Comparator<NodeProgress> RELEASE_ORDER =
      Comparator.comparingInt((NodeProgress n) -> reachability(n.state()))
          .thenComparingInt(n -> spread(n.node().value()))
          .thenComparing(n -> n.node().value());

  private static int reachability(NodeState s) {
    return switch (s) {
      case READY -> 0;
      case PENDING, NOT_READY -> 1;
      case UNREACHABLE -> 2;
    };
  }

  /**
   * FNV-1a with MurmurHash3's finalizer: the same in every JVM, and ids that differ in one
   * character (node-0001, node-0002) land far apart.
   */
  static int spread(String s) {
    int h = 0x811c9dc5;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** Releases as many pending nodes of the current step as the strategy allows now. */
  private static void release(
      Rollout rollout,
      Draft d,
      List<List<NodeProgress>> groups,
      Map<NodeId, Judgement> judged,
      int targeted,
      Instant now,
      List<Note> notes) {
    RolloutStrategy s = rollout.strategy();
    List<NodeProgress> candidates = new ArrayList<>();
    int want;
    int cap;
    switch (s.type()) {
      case CANARY -> {
        candidates.addAll(groups.get(d.step));
        want = Math.max(1, Amount.percent(s.steps().get(d.step).percent()).ceilOf(targeted));
        cap = Integer.MAX_VALUE;
      }
      case WAVES -> {
        for (int i = 0; i <= d.step; i++) {
          candidates.addAll(groups.get(i));
        }
        want = candidates.size();
        cap = Math.max(1, s.maxUpdating().ceilOf(targeted));
      }
      case ROLLING -> {
        candidates.addAll(groups.getFirst());
        want = targeted;
        cap = Math.max(1, s.maxUpdating().ceilOf(targeted));
      }
      case ALL_AT_ONCE -> {
        candidates.addAll(groups.getFirst());
        want = targeted;
        cap = Integer.MAX_VALUE;
      }
      default -> throw new IllegalStateException("unknown type " + s.type());
    }
    int released = 0;
    int inFlight = 0;
    for (Judgement j : judged.values()) {
      if (j.condition() != NodeCondition.PENDING) {
        released++;
      }
      if (j.condition() == NodeCondition.UPDATING || j.condition() == NodeCondition.WAITING) {
        inFlight++;
      }
    }
    int room = Math.min(want - released, cap == Integer.MAX_VALUE ? want : cap - inFlight);
    if (room <= 0) {
      return;
    }
    int count = 0;
    for (NodeProgress n : candidates) {
      if (count == room) {
        break;
      }
      if (judged.get(n.node()).condition() == NodeCondition.PENDING) {
        d.release.add(n.node());
        judged.put(
            n.node(),
            new Judgement(
                n.state() == NodeState.UNREACHABLE
                    ? NodeCondition.UNREACHABLE
                    : NodeCondition.UPDATING,
                ""));
        count++;
      }
    }
    if (count > 0) {
      notes.add(
          new Note(
              "rollout.released",
              "INFO",
              "released revision "
                  + rollout.record().toRevision()
                  + " to "
                  + count
                  + " more node"
                  + (count == 1 ? "" : "s")
                  + " ("
                  + stepName(s, d.step, groups)
                  + ")"));
    }
  }

  /** Whether the current step passed its gate. */
  private static boolean passed(
      Rollout rollout,
      int step,
      List<List<NodeProgress>> groups,
      Map<NodeId, Judgement> judged,
      int targeted) {
    RolloutStrategy s = rollout.strategy();
    int released = 0;
    int updated = 0;
    int busy = 0;
    int unreachable = 0;
    for (Judgement j : judged.values()) {
      switch (j.condition()) {
        case PENDING -> {}
        case UPDATING, WAITING -> {
          released++;
          busy++;
        }
        case UPDATED -> {
          released++;
          updated++;
        }
        case FAILED -> released++;
        case UNREACHABLE -> {
          released++;
          unreachable++;
        }
      }
    }
    if (s.unreachable().waitForQuorum() && !s.unreachable().quorum().reachedBy(updated, released)) {
      return false;
    }
    if (s.type() == Type.WAVES) {
      List<NodeProgress> wave = groups.get(step);
      int reachable = 0;
      int waveUpdated = 0;
      for (NodeProgress n : wave) {
        NodeCondition c = judged.get(n.node()).condition();
        if (c == NodeCondition.UPDATED) {
          waveUpdated++;
        }
        if (c != NodeCondition.UNREACHABLE
            && !(c == NodeCondition.PENDING && n.state() == NodeState.UNREACHABLE)) {
          reachable++;
        }
      }
      return Objects.requireNonNull(s.waves()).successThreshold().reachedBy(waveUpdated, reachable);
    }
    int want =
        s.type() == Type.CANARY
            ? Math.max(1, Amount.percent(s.steps().get(step).percent()).ceilOf(targeted))
            : targeted;
    return released >= Math.min(want, targeted) && busy == 0;
  }

  /**
   * Why the error threshold is exceeded, or null. Failures an operator accepted by resuming (the
   * earliest ones) are left out. Waves judge each wave released so far by its own nodes; the other
   * types judge the failures against the nodes released so far that are reachable.
   */
  private static @Nullable String breach(
      Rollout rollout,
      List<List<NodeProgress>> groups,
      Map<NodeId, Judgement> judged,
      List<NodeProgress> nodes,
      Instant now) {
    RolloutStrategy s = rollout.strategy();
    Set<NodeId> accepted = accepted(rollout.record().acceptedFailures(), nodes);
    int scopes = s.type() == Type.WAVES ? Math.min(groups.size(), rollout.record().step() + 1) : 1;
    for (int g = 0; g < scopes; g++) {
      List<NodeProgress> scope = s.type() == Type.WAVES ? groups.get(g) : nodes;
      int failed = 0;
      int base = 0;
      List<String> reasons = new ArrayList<>();
      for (NodeProgress n : scope) {
        Judgement j = judged.get(n.node());
        if (j.condition() == NodeCondition.FAILED) {
          base++;
          if (!accepted.contains(n.node())) {
            failed++;
            if (reasons.size() < 3) {
              reasons.add(n.node() + ": " + j.why());
            }
          }
        } else if (j.condition() == NodeCondition.UPDATING
            || j.condition() == NodeCondition.WAITING
            || j.condition() == NodeCondition.UPDATED) {
          base++;
        }
      }
      if (failed > 0 && s.errorThreshold().exceededBy(failed, base)) {
        return failed
            + " of "
            + base
            + " released nodes"
            + (s.type() == Type.WAVES ? " in " + stepName(s, g, groups) : "")
            + " failed (error threshold "
            + s.errorThreshold()
            + "); "
            + String.join("; ", reasons);
      }
    }
    return null;
  }

  private static Set<NodeId> accepted(int count, List<NodeProgress> nodes) {
    if (count <= 0) {
      return Set.of();
    }
    List<NodeProgress> failed = new ArrayList<>();
    for (NodeProgress n : nodes) {
      if (n.released() != null && n.released().failed()) {
        failed.add(n);
      }
    }
    failed.sort(
        Comparator.comparing((NodeProgress n) -> Objects.requireNonNull(n.released().failedAt()))
            .thenComparing(n -> n.node().value()));
    Set<NodeId> out = new HashSet<>();
    for (int i = 0; i < Math.min(count, failed.size()); i++) {
      out.add(failed.get(i).node());
    }
    return out;
  }

  private static Pause pauseAfter(RolloutStrategy s, int step) {
    return switch (s.type()) {
      case CANARY -> s.steps().get(step).pause();
      case WAVES -> Objects.requireNonNull(s.waves()).pause();
      case ROLLING, ALL_AT_ONCE -> Pause.NONE;
    };
  }

  private static String stepName(RolloutStrategy s, int step, List<List<NodeProgress>> groups) {
    return switch (s.type()) {
      case CANARY ->
          "step "
              + (step + 1)
              + " of "
              + groups.size()
              + " ("
              + s.steps().get(step).percent()
              + "%)";
      case WAVES -> {
        List<NodeProgress> wave = groups.get(step);
        String key = Objects.requireNonNull(s.waves()).labelKey();
        String value = wave.isEmpty() ? null : wave.getFirst().labels().get(key);
        yield "wave "
            + (step + 1)
            + " of "
            + groups.size()
            + " ("
            + (value == null ? "no " + key + " label" : key + "=" + value)
            + ")";
      }
      case ROLLING -> "rolling update";
      case ALL_AT_ONCE -> "all at once";
    };
  }

  /** The counts of the judged nodes (one judgement per targeted node). */
  private static Counts tally(Map<NodeId, Judgement> judged) {
    return Counts.of(judged.values().stream().map(Judgement::condition).toList());
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0 && s > 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0 && s > 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  // ---- operators' commands --------------------------------------------------------------------

  /** An operator's command that does not apply to the rollout as it stands. */
  public static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
      super(message);
    }
  }

  /** Holds the rollout where it is: nothing more is released until it is resumed. */
  public static RolloutUpdate pause(RolloutRecord r, Instant now) {
    requireActive(r, "pause");
    if (r.state() == RolloutState.PAUSED) {
      throw new RefusedException("rollout " + r.id() + " is already paused: " + r.pauseReason());
    }
    Draft d = new Draft(r);
    d.state = RolloutState.PAUSED;
    d.pauseReason = "paused by an operator";
    d.message = d.pauseReason;
    return d.update();
  }

  /**
   * Lets a paused rollout go on. A timed pause still runs out as planned. The nodes failed so far
   * are accepted: the error threshold judges only failures after this.
   *
   * @param failedSoFar nodes the rollout has counted failed
   */
  public static RolloutUpdate resume(RolloutRecord r, int failedSoFar, Instant now) {
    requireActive(r, "resume");
    if (r.state() != RolloutState.PAUSED) {
      throw new RefusedException("rollout " + r.id() + " is not paused");
    }
    Draft d = new Draft(r);
    d.state = RolloutState.PROGRESSING;
    d.pauseReason = "";
    d.acceptedFailures = Math.max(r.acceptedFailures(), failedSoFar);
    d.message = "resumed by an operator";
    return d.update();
  }

  /**
   * Skips the current pause (timed or until resumed); with no pause, skips the current step's gate
   * and goes to the next step. Failures so far are accepted, as by {@link #resume}.
   *
   * @param steps how many steps the rollout has ({@link #stepCount})
   */
  public static RolloutUpdate promote(RolloutRecord r, int steps, int failedSoFar, Instant now) {
    requireActive(r, "promote");
    Draft d = new Draft(r);
    boolean pausing =
        r.state() == RolloutState.PAUSED
            || (r.pausedUntil() != null && now.isBefore(r.pausedUntil()));
    if (!pausing) {
      if (r.step() + 1 >= steps) {
        throw new RefusedException(
            "rollout " + r.id() + " is at its last step; there is nothing to promote it to");
      }
      d.step = r.step() + 1;
      d.stepStartedAt = now;
    }
    d.state = RolloutState.PROGRESSING;
    d.pausedUntil = null;
    d.pauseReason = "";
    d.acceptedFailures = Math.max(r.acceptedFailures(), failedSoFar);
    d.message = "promoted by an operator to step " + (d.step + 1);
    return d.update();
  }

  /** Stops the rollout; every node goes back to the revision it started from. */
  public static RolloutUpdate abort(RolloutRecord r, Instant now) {
    requireActive(r, "abort");
    Draft d = new Draft(r);
    d.state = RolloutState.ABORTED;
    d.finishedAt = now;
    d.pausedUntil = null;
    d.pauseReason = "";
    d.message = "aborted by an operator; back to revision " + r.fromRevision();
    return d.update();
  }

  /** Lets nodes take the new revision outside their maintenance windows (an emergency). */
  public static RolloutUpdate overrideWindows(RolloutRecord r, Instant now) {
    requireActive(r, "override the maintenance windows of");
    Draft d = new Draft(r);
    d.overrideWindows = true;
    d.message = "maintenance windows overridden by an operator";
    return d.update();
  }

  private static void requireActive(RolloutRecord r, String what) {
    if (!r.state().active()) {
      throw new RefusedException(
          "cannot " + what + " rollout " + r.id() + ": it is " + r.state().name().toLowerCase());
    }
  }

  /** The fields of a rollout being changed. */
  private static final class Draft {
    private final RolloutRecord r;
    RolloutState state;
    int step;
    Instant stepStartedAt;
    @Nullable Instant pausedUntil;
    String pauseReason;
    int acceptedFailures;
    boolean overrideWindows;
    String message;
    @Nullable Instant finishedAt;
    final List<NodeId> release = new ArrayList<>();
    final Map<NodeId, String> failures = new HashMap<>();

    Draft(RolloutRecord r) {
      this.r = r;
      state = r.state();
      step = r.step();
      stepStartedAt = r.stepStartedAt();
      pausedUntil = r.pausedUntil();
      pauseReason = r.pauseReason();
      acceptedFailures = r.acceptedFailures();
      overrideWindows = r.overrideWindows();
      message = r.message();
      finishedAt = r.finishedAt();
    }

    RolloutUpdate update() {
      return new RolloutUpdate(
          state,
          step,
          stepStartedAt,
          pausedUntil,
          pauseReason,
          acceptedFailures,
          overrideWindows,
          message,
          finishedAt,
          release,
          failures);
    }

    Decision decision(Counts counts, List<Note> notes) {
      boolean same =
          state == r.state()
              && step == r.step()
              && stepStartedAt.equals(r.stepStartedAt())
              && Objects.equals(pausedUntil, r.pausedUntil())
              && pauseReason.equals(r.pauseReason())
              && acceptedFailures == r.acceptedFailures()
              && overrideWindows == r.overrideWindows()
              && message.equals(r.message())
              && Objects.equals(finishedAt, r.finishedAt())
              && release.isEmpty()
              && failures.isEmpty();
      return new Decision(same ? null : update(), counts, notes);
    }
  }
}
