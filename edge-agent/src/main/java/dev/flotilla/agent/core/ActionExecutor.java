package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Action;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.agent.store.AgentStore;
import dev.flotilla.agent.store.AgentStore.RestartState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

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
   * @throws dev.flotilla.agent.runtime.ContainerRuntimeException when the runtime refuses; the
   *     caller records it and the next pass plans again
   */
  /**
   * @return whether the runtime was changed (a pass that changed nothing needs no follow-up)
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
        return createAndStart(c.spec(), c.specHash(), generation);
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

  private boolean createAndStart(WorkloadSpec spec, String hash, long generation) {
    if (!runtime.imageExists(spec.image())) {
      puller.request(spec.image(), spec.name());
      return false;
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
    events.emit(
        Events.info(
            "workload.started",
            spec.name(),
            generation,
            "created and started " + container.name() + " from " + spec.image(),
            Map.of("container", id, "revision", spec.revision(), "image", spec.image())));
    return true;
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
