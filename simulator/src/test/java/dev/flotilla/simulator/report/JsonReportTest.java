package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRealisticReportComesBackEqual() {
    RunReport report = SampleRuns.realistic();

    assertEquals(report, JsonReport.fromJson(JsonReport.toJson(report)));
  }

  @Test
  void aSparseReportWithNullsAndEmptyListsComesBackEqual() {
    RunReport report = SampleRuns.sparse();

    assertEquals(report, JsonReport.fromJson(JsonReport.toJson(report)));
  }

  @Test
  void theSummaryComesFirstThenTheFieldsInTheOrderTheRecordDeclaresThem() throws Exception {
    JsonNode root = JSON.readTree(JsonReport.toJson(SampleRuns.realistic()));

    List<String> expected = new ArrayList<>();
    expected.add("summary");
    Arrays.stream(RunReport.class.getRecordComponents()).forEach(c -> expected.add(c.getName()));
    List<String> actual = new ArrayList<>();
    root.fieldNames().forEachRemaining(actual::add);
    assertEquals(expected, actual);

    List<String> phaseFields = new ArrayList<>();
    root.get("phases").get(0).fieldNames().forEachRemaining(phaseFields::add);
    assertEquals(
        List.of("name", "startedAt", "targeted", "converged", "p50", "p95", "p99", "max"),
        phaseFields);
  }

  @Test
  void theSummaryHoldsTheKeyFigures() throws Exception {
    RunReport report = SampleRuns.realistic();
    JsonNode summary = JSON.readTree(JsonReport.toJson(report)).get("summary");

    Summary expected = Summary.of(report);
    assertEquals(1000, summary.get("nodes").asInt());
    assertTrue(summary.get("passed").asBoolean());
    assertEquals(expected.convergenceP99(), summary.get("convergenceP99").asDouble());
    assertEquals(expected.convergenceMax(), summary.get("convergenceMax").asDouble());
    assertEquals(report.faults().get(0).reconnectP99(), summary.get("reconnectP99").asDouble());
    assertEquals(0, summary.get("eventsLost").asLong());
    assertEquals(0, summary.get("reconnectRestarts").asLong());
    assertEquals(42.5, summary.get("idleBytesPerNodePerMinute").asDouble());
    assertEquals(48_213, summary.get("heapPerNodeBytes").asLong());
    var t = report.traffic();
    assertEquals(
        (double) (t.bytesIn() + t.bytesOut()) / 1000, summary.get("bytesPerNode").asDouble());
    assertEquals(
        (double) (t.messagesIn() + t.messagesOut()) / 1000,
        summary.get("messagesPerNode").asDouble());
  }

  @Test
  void missingFiguresAreWrittenAsNull() throws Exception {
    JsonNode root = JSON.readTree(JsonReport.toJson(SampleRuns.sparse()));

    assertTrue(root.get("idle").isNull());
    assertTrue(root.get("phases").get(0).get("p99").isNull());
    assertTrue(root.get("summary").get("convergenceP99").isNull());
    assertTrue(root.get("summary").get("bytesPerNode").isNull());
    assertTrue(root.get("summary").get("controllerCpuPeakPercent").isNull());
  }

  @Test
  void theStartIsAnIsoInstantAndTheTextIsStable() {
    String json = JsonReport.toJson(SampleRuns.realistic());

    assertTrue(
        json.contains("\"startedAt\": \"2026-11-22T10:15:30.125Z\""), json.substring(0, 600));
    assertEquals(json, JsonReport.toJson(SampleRuns.realistic()));
    assertFalse(json.contains("\r"));
    assertTrue(json.startsWith("{\n  \"summary\": {\n    \"nodes\": 1000,\n"));
    assertTrue(json.endsWith("}\n"));
  }

  @Test
  void theSummaryIsIgnoredOnReading() throws Exception {
    RunReport report = SampleRuns.realistic();
    ObjectNode root = (ObjectNode) JSON.readTree(JsonReport.toJson(report));
    ((ObjectNode) root.get("summary")).put("nodes", 5).put("somethingElse", "x");

    assertEquals(report, JsonReport.fromJson(root.toString()));
  }

  @Test
  void anUnknownFieldIsRefusedByName() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(JsonReport.toJson(SampleRuns.sparse()));
    root.put("colour", "blue");

    var e =
        assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson(root.toString()));
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
  }

  @Test
  void aMissingRequiredFieldIsRefused() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(JsonReport.toJson(SampleRuns.sparse()));
    root.remove("scenario");

    var e =
        assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson(root.toString()));
    assertTrue(e.getMessage().contains("scenario"), e.getMessage());
  }

  @Test
  void aMissingNumberOrNullableFigureIsRefusedRatherThanReadAsZeroOrNull() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(JsonReport.toJson(SampleRuns.realistic()));
    root.remove("wallSeconds");
    ObjectNode phase = (ObjectNode) JSON.readTree(JsonReport.toJson(SampleRuns.realistic()));
    ((ObjectNode) phase.get("phases").get(0)).remove("p99");

    var number =
        assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson(root.toString()));
    var figure =
        assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson(phase.toString()));
    assertTrue(number.getMessage().contains("wallSeconds"), number.getMessage());
    assertTrue(figure.getMessage().contains("p99"), figure.getMessage());
  }

  @Test
  void somethingOtherThanAReportIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson("[1, 2]"));
    assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson("{"));
    assertThrows(IllegalArgumentException.class, () -> JsonReport.fromJson(""));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JsonReport.fromJson(
                    JsonReport.toJson(SampleRuns.sparse())
                        .replace("2026-11-22T10:15:30.125Z", "yesterday")));
    assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
  }
}
