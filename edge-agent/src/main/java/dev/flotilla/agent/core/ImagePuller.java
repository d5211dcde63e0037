package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Pulls missing images in the background, so that the reconcile pass never waits on the network:
 * the pass asks, moves on, and is triggered again when the pull ends. One pull per image at a time;
 * a failed image is not retried before its back-off (30 s doubling to 10 min) ends. Thread-safe.
 */
final class ImagePuller {
  private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  private static final Duration MAX_RETRY = Duration.ofMinutes(10);

  private record Failure(int count, Instant retryAt) {}

  private final ContainerRuntime runtime;
  private final Executor pulls;
  private final Clock clock;
  private final EventSink events;
  private final Runnable onPulled;
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  ImagePuller(
      ContainerRuntime runtime, Executor pulls, Clock clock, EventSink events, Runnable onPulled) {
    this.runtime = runtime;
    this.pulls = pulls;
    this.clock = clock;
    this.events = events;
    this.onPulled = onPulled;
  }

  /** Images being pulled right now. */
  java.util.Set<String> pulling() {
    return java.util.Set.copyOf(inFlight.keySet());
  }

  /** Starts a pull of {@code image} unless one runs or a recent one failed; never blocks. */
  void request(String image, String workload) {
    Failure failed = failures.get(image);
    if (failed != null && clock.instant().isBefore(failed.retryAt())) {
      return;
    }
    if (inFlight.putIfAbsent(image, Boolean.TRUE) != null) {
      return;
    }
    events.emit(
        Events.info(
            "image.pulling", workload, 0, "pulling image " + image, Map.of("image", image)));
    pulls.execute(() -> pull(image, workload));
  }

  private void pull(String image, String workload) {
    try {
      runtime.pull(image);
      failures.remove(image);
      events.emit(
          Events.info(
              "image.pulled", workload, 0, "pulled image " + image, Map.of("image", image)));
    } catch (ContainerRuntimeException e) {
      Failure previous = failures.get(image);
      int count = previous == null ? 1 : previous.count() + 1;
      Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(count - 1, 5));
      if (wait.compareTo(MAX_RETRY) > 0) {
        wait = MAX_RETRY;
      }
      failures.put(image, new Failure(count, clock.instant().plus(wait)));
      events.emit(
          Events.of(
              AgentEvent.Severity.ERROR,
              "image.pull-failed",
              workload,
              0,
              "pulling image " + image + " failed (" + e.kind() + "): " + e.getMessage(),
              Map.of("image", image, "retry-in", wait.toSeconds() + "s")));
    } finally {
      inFlight.remove(image);
      onPulled.run();
    }
  }
}
