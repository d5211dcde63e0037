package dev.flotilla.controller.manifest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.flotilla.controller.dispatch.DesiredStateComposer;
import dev.flotilla.controller.dispatch.PlacedWorkload;
import dev.flotilla.protocol.DesiredStateRules;
import dev.flotilla.protocol.v1.DesiredState;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the reader accepts must also pass the wire's {@link DesiredStateRules} once mapped, or a
 * deployment the API took would be refused on every node. The mapping is the dispatcher's own,
 * {@link DesiredStateComposer#toWire}.
 */
class ManifestWireRulesTest {
  static Stream<String> acceptedManifests() {
    return ManifestWriterTest.manifests();
  }

  @ParameterizedTest
  @MethodSource("acceptedManifests")
  void everyAcceptedManifestPassesTheWireRules(String yaml) {
    DeploymentManifest m = ManifestReader.read(yaml, ManifestFormat.YAML);
    DesiredState state =
        DesiredState.newBuilder()
            .setGeneration(1)
            .addWorkloads(
                DesiredStateComposer.toWire(new PlacedWorkload(m.name(), 1, m.template())))
            .build();
    assertDoesNotThrow(() -> DesiredStateRules.check(state));
  }
}
