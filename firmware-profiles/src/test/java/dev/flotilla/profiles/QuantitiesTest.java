package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void readsCpuAsMillicoresOrCores() {
    assertEquals(500, Quantities.cpuMillis("500m"));
    assertEquals(500, Quantities.cpuMillis("0.5"));
    assertEquals(500, Quantities.cpuMillis(0.5));
    assertEquals(2000, Quantities.cpuMillis(2));
    assertEquals(2000, Quantities.cpuMillis(2L));
    assertEquals(1_024_000, Quantities.cpuMillis(BigInteger.valueOf(1024)));
    assertEquals(1500, Quantities.cpuMillis(new BigDecimal("1.5")));
  }

  @Test
  void refusesCpuAmountsWithTheRuleAndTheValue() {
    assertEquals(
        "must be " + Quantities.CPU_RULE + ", was 'lots'",
        assertThrows(QuantityException.class, () -> Quantities.cpuMillis("lots")).getMessage());
    assertEquals(
        "must be a whole number of millicores (1m = 0.001), was '0.0001'",
        assertThrows(QuantityException.class, () -> Quantities.cpuMillis("0.0001")).getMessage());
    assertEquals(
        "must be more than 0 and at most 1024 cores; leave it out for no value, was the number 0",
        assertThrows(QuantityException.class, () -> Quantities.cpuMillis(0)).getMessage());
    assertEquals(
        "must be " + Quantities.CPU_RULE + ", was the number NaN",
        assertThrows(QuantityException.class, () -> Quantities.cpuMillis(Double.NaN)).getMessage());
  }

  @Test
  void readsMemoryWithBinaryAndDecimalSuffixes() {
    assertEquals(64L << 20, Quantities.memoryBytes("64Mi"));
    assertEquals(500_000_000L, Quantities.memoryBytes("500M"));
    assertEquals(128_000L, Quantities.memoryBytes("128k"));
    assertEquals(1536L << 20, Quantities.memoryBytes("1.5Gi"));
    assertEquals(1_048_576L, Quantities.memoryBytes(1_048_576));
    assertEquals(1L << 60, Quantities.memoryBytes("1Ei"));
  }

  @Test
  void refusesMemoryAmountsWithTheRuleAndTheValue() {
    assertEquals(
        "must be " + Quantities.MEMORY_RULE + ", was '4GB'",
        assertThrows(QuantityException.class, () -> Quantities.memoryBytes("4GB")).getMessage());
    assertEquals(
        "must come to a whole number of bytes, was '0.5'",
        assertThrows(QuantityException.class, () -> Quantities.memoryBytes("0.5")).getMessage());
    assertEquals(
        "must be more than 0 and at most 1Ei; leave it out for no value, was '2Ei'",
        assertThrows(QuantityException.class, () -> Quantities.memoryBytes("2Ei")).getMessage());
  }

  @Test
  void readsDurationsWithUnitsWithinBounds() {
    assertEquals(90_000, Quantities.durationMs("1m30s", 1, 3_600_000));
    assertEquals(500, Quantities.durationMs("500ms", 1, 3_600_000));
    assertEquals(
        "must be from 1s to 1h, was '2h'",
        assertThrows(QuantityException.class, () -> Quantities.durationMs("2h", 1000, 3_600_000))
            .getMessage());
    assertEquals(
        "must be " + Quantities.DURATION_RULE + ", was the number 10",
        assertThrows(QuantityException.class, () -> Quantities.durationMs(10, 1, 3_600_000))
            .getMessage());
  }

  @Test
  void writesOneSpellingThatReadsBackToTheSameAmount() {
    assertEquals("500m", Quantities.formatCpu(500));
    assertEquals("2", Quantities.formatCpu(2000));
    assertEquals("0", Quantities.formatCpu(0));
    assertEquals("64Mi", Quantities.formatMemory(64L << 20));
    assertEquals("2000Ki", Quantities.formatMemory(2_048_000));
    assertEquals("1M", Quantities.formatMemory(1_000_000));
    assertEquals("1500", Quantities.formatMemory(1500));
    assertEquals("0", Quantities.formatMemory(0));
    assertEquals("-512Mi", Quantities.formatMemory(-512L << 20));
    assertEquals("90s", Quantities.formatDuration(90_000));
    assertEquals("1500ms", Quantities.formatDuration(1500));
    assertEquals("0ms", Quantities.formatDuration(0));
    for (long bytes : new long[] {1, 999, 1024, 1_000_000, 3L << 30, 1L << 60}) {
      assertEquals(bytes, Quantities.memoryBytes(Quantities.formatMemory(bytes)));
    }
    for (int millis : new int[] {1, 500, 1000, 1500, 1_024_000}) {
      assertEquals(millis, Quantities.cpuMillis(Quantities.formatCpu(millis)));
    }
  }

  @Test
  void describesValuesByKindAndCutsLongOnes() {
    assertEquals("null (no value)", Quantities.describe(null));
    assertEquals("'x'", Quantities.describe("x"));
    assertEquals("'" + "a".repeat(57) + "...'", Quantities.describe("a".repeat(61)));
    assertEquals("the boolean true", Quantities.describe(true));
    assertEquals("the number 3", Quantities.describe(3));
    assertEquals("the number 3.5", Quantities.describe(3.5));
    assertEquals("a mapping", Quantities.describe(Map.of()));
    assertEquals("a list", Quantities.describe(List.of()));
    assertEquals("a set", Quantities.describe(Set.of()));
    assertEquals("binary data", Quantities.describe(new byte[1]));
    assertEquals("a Object", Quantities.describe(new Object()));
  }
}
