package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.ControllerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the controller's core from the {@code flotilla.*} configuration (application.yml,
 * environment variables such as {@code FLOTILLA_BROKER_PORT}, system properties). The core starts
 * with the application context, before the HTTP server binds.
 */
@Factory
final class ControllerFactory {

  @Context
  @Bean(preDestroy = "close")
  Controller controller(Environment env, MeterRegistry registry) {
    ControllerSettings d =
        ControllerSettings.defaults(
            Path.of(env.getProperty("flotilla.data-dir", String.class, "flotilla-data")));
    ControllerSettings settings =
        new ControllerSettings(
            d.dataDir(),
            env.getProperty("flotilla.broker.host", String.class, d.brokerHost()),
            env.getProperty("flotilla.broker.port", Integer.class, d.brokerPort()),
            blankToNull(env.getProperty("flotilla.broker.url", String.class, "")),
            env.getProperty("flotilla.broker.username", String.class, ""),
            env.getProperty("flotilla.broker.password", String.class, ""),
            blankToNull(env.getProperty("flotilla.broker.advertised-url", String.class, "")),
            blankToNull(env.getProperty("flotilla.store.url", String.class, "")),
            env.getProperty("flotilla.store.user", String.class, ""),
            env.getProperty("flotilla.store.password", String.class, ""),
            env.getProperty("flotilla.nodes.stale-after", Duration.class, d.staleAfter()),
            env.getProperty(
                "flotilla.nodes.liveness-interval", Duration.class, d.livenessInterval()),
            env.getProperty(
                "flotilla.dispatch.republish-interval", Duration.class, d.republishInterval()),
            env.getProperty(
                "flotilla.ingest.max-payload-bytes", Integer.class, d.maxPayloadBytes()),
            pathOrNull(env.getProperty("flotilla.profiles.dir", String.class, "")),
            env.getProperty(
                "flotilla.placement.unreachable-grace", Duration.class, d.unreachableGrace()),
            env.getProperty("flotilla.commands.timeout", Duration.class, d.commandTimeout()));
    return Controller.start(settings, registry, Clock.systemUTC());
  }

  private static Path pathOrNull(String s) {
    return s == null || s.isBlank() ? null : Path.of(s);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
