package dev.flotilla.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.cli.format.ManifestDocuments.Document;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestDocumentsTest {
  @Test
  void splitsAtDashLinesKeepingTheTextAsWrittenAndWhereEachStarts() {
    String stream =
        """
        # two deployments
        ---
        metadata:
          name: a
        spec:
          placement: {minFirmwareVersion: "12.0"}
        ---
        metadata: {name: b}
        """;
    List<Document> docs = ManifestDocuments.split(stream);
    assertEquals(2, docs.size());
    assertEquals(1, docs.get(0).index());
    assertEquals(3, docs.get(0).line());
    assertEquals(
        "metadata:\n  name: a\nspec:\n  placement: {minFirmwareVersion: \"12.0\"}\n",
        docs.get(0).text());
    assertEquals("a", docs.get(0).name());
    assertEquals(2, docs.get(1).index());
    assertEquals(8, docs.get(1).line());
    assertEquals("b", docs.get(1).name());
  }

  @Test
  void documentsOfOnlyCommentsAndBlankLinesAreDroppedAndADocumentEndMarkerSplits() {
    List<Document> docs =
        ManifestDocuments.split("---\n# nothing\n\n---\nmetadata: {name: x}\n...\n");
    assertEquals(1, docs.size());
    assertEquals("x", docs.get(0).name());
  }

  @Test
  void aDashLineInsideABlockScalarIsIndentedAndDoesNotSplit() {
    List<Document> docs = ManifestDocuments.split("metadata: {name: x}\nnote: |\n  ---\n  text\n");
    assertEquals(1, docs.size());
  }

  @Test
  void aDocumentWithoutANameOrNotYamlHasAnEmptyName() {
    assertEquals("", ManifestDocuments.split("kind: Deployment\n").get(0).name());
    assertEquals("", ManifestDocuments.split("a: [unclosed\n").get(0).name());
  }
}
