package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Action;
import dev.flotilla.agent.reconcile.Planner;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.agent.store.AgentStore;
import dev.flotilla.agent.store.AgentStore.BlueGreenState;
import dev.flotilla.agent.store.AgentStore.RestartState;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Carries out one planned {@link Action} against the runtime. Every action is idempotent: run
 * twice, or interrupted anywhere and planned again from what the runtime then shows, it leads to
 * the same containers. Runs on the reconcile thread only; never waits on the network (a missing
 * image is handed to the {@link ImagePuller}).
 */
final class ActionExecutor {
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final ContainerRuntime runtime;
  private final AgentStore store;
  private final EventSink events;
  private final ImagePuller puller;
  private final Clock clock;
  private final StepHook hook;

  ActionExecutor(
      ContainerRuntime runtime,
      AgentStore store,
      EventSink events,
      ImagePuller puller,
      Clock clock,
      StepHook hook) {
    this.runtime = runtime;
    this.store = store;
    this.events = events;
    this.puller = puller;
    this.clock = clock;
    this.hook = hook;
  }

  /**
   * The container name for a workload at a spec: unique per spec, so a replacement never clashes.
   */
  static String containerName(String workload, String specHash) {
    return "flotilla-" + workload + "-" + specHash.substring(0, 8);
  }

  /**
   * @param generation the desired generation being applied, for events
   * @return whether the runtime was changed (a pass that changed nothing needs no follow-up)
   * @throws dev.flotilla.agent.runtime.ContainerRuntimeException when the runtime refuses; the
   *     caller records it and the next pass plans again
   */
  boolean apply(Action action, long generation) {
    switch (action) {
      case Action.Remove r -> {
        hook.at("before-remove", r.workload());
        runtime.remove(r.container().id(), true);
        hook.at("after-remove", r.workload());
        events.emit(
            Events.info(
                "workload.removed",
                r.workload(),
                generation,
                "removed container " + r.container().name() + ": " + r.why(),
                Map.of("container", r.container().id())));
      }
      case Action.CreateAndStart c -> {
        return createAndStart(c.spec(), c.specHash(), generation, null);
      }
      case Action.CreateBeside c -> {
        return createAndStart(c.spec(), c.specHash(), generation, c.old());
      }
      case Action.RestartCandidate r -> {
        countCandidateFailure(r.spec(), r.specHash());
        hook.at("before-start", r.workload());
        runtime.start(r.container().id());
        hook.at("after-start", r.workload());
        events.emit(
            Events.of(
                AgentEvent.Severity.WARNING,
                "workload.restarted",
                r.workload(),
                generation,
                "restarted "
                    + r.container().name()
                    + ", the new revision of a blue-green update: "
                    + r.why(),
                Map.of("container", r.container().id(), "blue_green", "new")));
      }
      case Action.Switch w -> {
        for (ContainerInfo old : w.old()) {
          hook.at("before-remove", w.workload());
          runtime.remove(old.id(), true);
          hook.at("after-remove", w.workload());
        }
        store.clearBlueGreenState(w.workload());
        store.clearRestartState(w.workload());
        String oldRevisions =
            w.old().stream().map(Planner::revisionOf).distinct().collect(joined());
        events.emit(
            Events.info(
                "workload.switched",
                w.workload(),
                generation,
                "blue-green: switched to revision "
                    + w.spec().revision()
                    + " after it was healthy for "
                    + Planner.human(w.spec().update().switchAfter())
                    + "; removed revision "
                    + oldRevisions,
                Map.of(
                    "container", w.candidate().id(),
                    "revision", w.spec().revision(),
                    "removed", w.old().stream().map(ContainerInfo::id).collect(joined()))));
      }
      case Action.FallBack f -> {
        // Remembered before anything is removed: after a crash in between, the next pass sees
        // the given-up hash and removes what is left instead of trying the revision again.
        BlueGreenState before = store.blueGreenStates().get(f.workload());
        BlueGreenState state =
            before != null && before.specHash().equals(f.specHash())
                ? before
                : BlueGreenState.begin(f.specHash(), f.spec().revision(), clock.instant());
        store.saveBlueGreenState(f.workload(), state.abandon(clock.instant(), f.reason()));
        for (ContainerInfo candidate : f.candidates()) {
          hook.at("before-remove", f.workload());
          runtime.remove(candidate.id(), true);
          hook.at("after-remove", f.workload());
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("revision", f.spec().revision());
        attributes.put("spec_hash", f.specHash());
        if (!f.candidates().isEmpty()) {
          attributes.put(
              "removed", f.candidates().stream().map(ContainerInfo::id).collect(joined()));
        }
        events.emit(
            Events.of(
                AgentEvent.Severity.WARNING,
                "workload.fell-back",
                f.workload(),
                generation,
                f.reason(),
                attributes));
        return !f.candidates().isEmpty();
      }
      case Action.ForgetBlueGreen g -> {
        store.clearBlueGreenState(g.workload());
        return false;
      }
      case Action.Start s -> {
        if (s.restart()) {
          countFailure(s.spec());
        }
        hook.at("before-start", s.workload());
        runtime.start(s.container().id());
        hook.at("after-start", s.workload());
        events.emit(
            Events.info(
                s.restart() ? "workload.restarted" : "workload.started",
                s.workload(),
                generation,
                (s.restart() ? "restarted " : "started ") + s.container().name() + ": " + s.why(),
                Map.of("container", s.container().id())));
      }
      case Action.RestartUnhealthy u -> {
        countFailure(u.spec());
        hook.at("before-stop", u.workload());
        runtime.stop(u.container().id(), STOP_TIMEOUT);
        hook.at("before-start", u.workload());
        runtime.start(u.container().id());
        hook.at("after-start", u.workload());
        events.emit(
            Events.of(
                AgentEvent.Severity.WARNING,
                "workload.restarted",
                u.workload(),
                generation,
                "restarted " + u.container().name() + ": it failed its health probe",
                Map.of("container", u.container().id(), "reason", "unhealthy")));
      }
      case Action.ResetBackoff b -> {
        store.clearRestartState(b.workload());
        return false;
      }
    }
    return true;
  }

  /**
   * @param beside the old container a blue-green update starts the new one beside; null for a plain
   *     create
   */
  private boolean createAndStart(
      WorkloadSpec spec, String hash, long generation, ContainerInfo beside) {
    if (!runtime.imageExists(spec.image())) {
      puller.request(spec.image(), spec.name());
      return false;
    }
    if (beside != null) {
      // The give-up clock starts at the first create (not while the image is pulled) and is
      // not reset by a later one.
      BlueGreenState state = store.blueGreenStates().get(spec.name());
      if (state == null || !state.specHash().equals(hash)) {
        store.saveBlueGreenState(
            spec.name(), BlueGreenState.begin(hash, spec.revision(), clock.instant()));
      }
    }
    ContainerSpec container =
        new ContainerSpec(
            containerName(spec.name(), hash),
            spec.image(),
            spec.command(),
            spec.args(),
            spec.env(),
            spec.ports(),
            spec.volumes(),
            spec.cpuMillis(),
            spec.memoryBytes(),
            Map.of(
                Labels.WORKLOAD, spec.name(),
                Labels.REVISION, spec.revision(),
                Labels.SPEC_HASH, hash));
    hook.at("before-create", spec.name());
    String id = runtime.create(container);
    hook.at("after-create", spec.name());
    runtime.start(id);
    hook.at("after-start", spec.name());
    if (beside == null) {
      events.emit(
          Events.info(
              "workload.started",
              spec.name(),
              generation,
              "created and started " + container.name() + " from " + spec.image(),
              Map.of("container", id, "revision", spec.revision(), "image", spec.image())));
    } else {
      events.emit(
          Events.info(
              "workload.blue-green-started",
              spec.name(),
              generation,
              "blue-green: created and started "
                  + container.name()
                  + " from "
                  + spec.image()
                  + " for revision "
                  + spec.revision()
                  + " beside "
                  + beside.name()
                  + " (revision "
                  + Planner.revisionOf(beside)
                  + ")",
              Map.of(
                  "container", id,
                  "revision", spec.revision(),
                  "image", spec.image(),
                  "old_container", beside.id())));
    }
    return true;
  }

  /**
   * Records one more failure of the new revision in a blue-green update of {@code spec}'s workload
   * and the earliest next attempt, before the attempt is made; the workload's own back-off (the old
   * container's) is left alone.
   */
  void countCandidateFailure(WorkloadSpec spec, String specHash) {
    BlueGreenState state = store.blueGreenStates().get(spec.name());
    if (state == null || !state.specHash().equals(specHash)) {
      state = BlueGreenState.begin(specHash, spec.revision(), clock.instant());
    }
    int failures = state.failures() + 1;
    store.saveBlueGreenState(
        spec.name(), state.failed(clock.instant().plus(spec.restart().backoff(failures))));
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joined() {
    return Collectors.joining(",");
  }

  /**
   * Records one more failure of {@code spec}'s workload and the earliest next attempt, before the
   * attempt is made (so a crash right after cannot skip the back-off).
   */
  void countFailure(WorkloadSpec spec) {
    RestartState previous = store.restartStates().get(spec.name());
    int failures = previous == null ? 1 : previous.failures() + 1;
    store.saveRestartState(
        spec.name(),
        new RestartState(failures, clock.instant().plus(spec.restart().backoff(failures))));
  }
}
