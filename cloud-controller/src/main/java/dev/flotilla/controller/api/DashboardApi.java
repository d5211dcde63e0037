package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.store.FleetStore;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What the web dashboard needs beside the fleet API: who a token is, a rollout's progress per step,
 * and a stream of fleet changes. The API filter checks the token of every call here.
 */
@io.micronaut.http.annotation.Controller("/api/v1")
final class DashboardApi {
  /** A comment line this often keeps proxies from closing a quiet stream. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final FleetService fleet;
  private final FleetPulse pulse;

  DashboardApi(Controller controller, FleetPulse pulse) {
    this.fleet = controller.fleet();
    this.pulse = pulse;
  }

  /** Who presented the token: its role and description. */
  record WhoAmI(String role, String description, @Nullable String expiresAt) {}

  @Tag(name = "dashboard")
  @Operation(summary = "The role (ADMIN or VIEWER) and description of the token sent")
  @Get("/whoami")
  @ExecuteOn(TaskExecutors.BLOCKING)
  WhoAmI whoami(@Header(value = "Authorization", defaultValue = "") String authorization) {
    String token = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : "";
    FleetStore.ApiToken t =
        fleet.apiToken(token).orElseThrow(FleetService.TokenRefusedException::new);
    return new WhoAmI(t.role(), t.description(), ApiModels.time(t.expiresAt()));
  }

  /** A rollout's progress per step. */
  record StepsView(
      long rollout, String state, String strategy, int step, List<RolloutSteps.StepView> steps) {}

  @Tag(name = "rollouts")
  @Operation(
      summary = "The deployment's current (or latest) rollout, step by step",
      description =
          "Per step: its target (nodes released once it is reached, cumulative) and the released,"
              + " updated and failed nodes so far, capped at that target. Waves show as one step.")
  @Get("/deployments/{name}/rollout/steps")
  @ExecuteOn(TaskExecutors.BLOCKING)
  StepsView steps(@PathVariable String name) {
    Deployment d = fleet.deployment(name);
    FleetService.RolloutStatus s = fleet.rollout(name);
    return new StepsView(
        s.rollout().id(),
        s.rollout().state().name(),
        d.strategy().type().manifestName(),
        s.rollout().step(),
        RolloutSteps.of(d.strategy(), s.counts(), s.rollout().step()));
  }

  @Tag(name = "dashboard")
  @Operation(
      summary = "Server-sent events: the fleet summary each time node states or rollouts change",
      description =
          "An event 'fleet' at once and then after every change (checked once a second), with the"
              + " node counts by state, the active rollouts and a growing change counter; a comment"
              + " line every 15 s while nothing changes.")
  @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
  Publisher<Event<?>> stream() {
    Flux<Event<?>> changes =
        Flux.interval(Duration.ZERO, FleetPulse.CHECK_EVERY)
            .onBackpressureDrop()
            .publishOn(Schedulers.boundedElastic())
            .map(tick -> pulse.current())
            .distinctUntilChanged(FleetPulse.Pulse::changes)
            .map(p -> Event.of(p).name("fleet").id(Long.toString(p.changes())));
    Flux<Event<?>> heartbeats =
        Flux.interval(HEARTBEAT, HEARTBEAT)
            .onBackpressureDrop()
            .map(tick -> Event.of("").comment("heartbeat"));
    return Flux.merge(changes, heartbeats);
  }
}
