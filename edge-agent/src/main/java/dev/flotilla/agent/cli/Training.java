package dev.flotilla.agent.cli;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.model.DesiredStateMapper;
import dev.flotilla.agent.reconcile.Planner;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.Workload;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The training run the build uses to make the agent's class-data-sharing archive: it goes through
 * what an agent does at start (configuration, store, verification, planning, the runtime client and
 * the MQTT client trying to connect) against nothing real, offline, for about two seconds.
 */
final class Training {
  private Training() {}

  static void run(Path scratch) {
    KeyPair keys = SigningKeys.generate();
    NodeId node = new NodeId("training");
    byte[] signed =
        new DesiredStateSigner(keys)
            .sign(
                DesiredState.newBuilder()
                    .setNodeId(node.value())
                    .setGeneration(1)
                    .addWorkloads(
                        Workload.newBuilder()
                            .setName("app")
                            .setImage("localhost/app:1")
                            .addPorts(PortMapping.newBuilder().setContainerPort(8080))
                            .setHealth(
                                HealthProbe.newBuilder()
                                    .setHttp(HttpCheck.newBuilder().setPort(8080))))
                    .build())
            .toByteArray();
    try {
      DesiredState state = new DesiredStateVerifier(keys.getPublic(), node).verify(signed, 0);
      Planner.plan(
          Optional.of(DesiredStateMapper.toDomain(state)),
          new Planner.Observed(List.of(), Map.of(), Set.of()),
          Instant.now());
    } catch (ProtocolException e) {
      throw new IllegalStateException("the training state does not verify", e);
    }
    Properties p = new Properties();
    p.setProperty("node.id", node.value());
    p.setProperty("broker.url", "tcp://127.0.0.1:9");
    p.setProperty("controller.public-key", SigningKeys.encodePublic(keys.getPublic()));
    p.setProperty("podman.socket", scratch.resolve("no-podman.sock").toString());
    p.setProperty("data.dir", scratch.resolve("data").toString());
    p.setProperty("link.reconnect-min", "200ms");
    try (Agent agent = Agent.start(AgentConfig.from(p, Map.of(), "training"), Clock.systemUTC())) {
      TimeUnit.SECONDS.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
