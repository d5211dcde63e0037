package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FitTest {
  private static final long MI = 1L << 20;

  /** 4 cores, 4Gi, 512Mi and 500m reserved: 3500m and 3584Mi allocatable. */
  private static final FirmwareProfile PI =
      profile(Architecture.ARM64, "11.9", Map.of("gpio", 28, "camera", 1));

  @Test
  void nothingFitsEveryNodeEvenAFullOne() {
    assertFits(WorkloadNeeds.NOTHING, PI, Used.NOTHING);
    assertFits(WorkloadNeeds.NOTHING, PI, new Used(9000, 9000 * MI));
  }

  @Test
  void anyArchitectureFitsWhenTheWorkloadNamesNone() {
    assertFits(needs(100, 0, anyArchitecture(), null, Map.of()), PI, Used.NOTHING);
  }

  @Test
  void aListedArchitectureFits() {
    assertFits(
        needs(0, 0, EnumSet.of(Architecture.AMD64, Architecture.ARM64), null, Map.of()),
        PI,
        Used.NOTHING);
  }

  @Test
  void anUnlistedArchitectureDoesNotFit() {
    assertMisfits(
        needs(0, 0, EnumSet.of(Architecture.AMD64, Architecture.RISCV64), null, Map.of()),
        PI,
        Used.NOTHING,
        new Misfit(
            Constraint.ARCHITECTURE, "needs architecture amd64 or riscv64, profile pi is arm64"));
  }

  @Test
  void firmwareAtOrAboveTheMinimumFits() {
    assertFits(needs(0, 0, anyArchitecture(), "11.9", Map.of()), PI, Used.NOTHING);
    assertFits(needs(0, 0, anyArchitecture(), "11.9.0", Map.of()), PI, Used.NOTHING);
    assertFits(needs(0, 0, anyArchitecture(), "11", Map.of()), PI, Used.NOTHING);
  }

  @Test
  void firmwareBelowTheMinimumDoesNotFit() {
    assertMisfits(
        needs(0, 0, anyArchitecture(), "12.0", Map.of()),
        PI,
        Used.NOTHING,
        new Misfit(Constraint.FIRMWARE, "needs firmware >= 12.0, profile pi has Test OS 11.9"));
  }

  @Test
  void peripheralsTheProfileHasEnoughOfFit() {
    assertFits(
        needs(0, 0, anyArchitecture(), null, Map.of("gpio", 28, "camera", 1)), PI, Used.NOTHING);
  }

  @Test
  void aPeripheralNeededZeroTimesFitsWithoutIt() {
    assertFits(needs(0, 0, anyArchitecture(), null, Map.of("gpu", 0)), PI, Used.NOTHING);
  }

  @Test
  void missingOrTooFewPeripheralsDoNotFitEachReportedByName() {
    assertMisfits(
        needs(0, 0, anyArchitecture(), null, Map.of("gpu", 1, "camera", 2, "gpio", 1)),
        PI,
        Used.NOTHING,
        new Misfit(Constraint.PERIPHERAL, "needs 2 camera, profile pi has 1"),
        new Misfit(Constraint.PERIPHERAL, "needs 1 gpu, profile pi has 0"));
  }

  @Test
  void cpuUpToWhatIsFreeFits() {
    assertFits(needs(3500, 0, anyArchitecture(), null, Map.of()), PI, Used.NOTHING);
    assertFits(needs(300, 0, anyArchitecture(), null, Map.of()), PI, new Used(3200, 0));
  }

  @Test
  void cpuAboveWhatIsFreeDoesNotFit() {
    assertMisfits(
        needs(500, 0, anyArchitecture(), null, Map.of()),
        PI,
        new Used(3200, 0),
        new Misfit(
            Constraint.CPU, "needs 500m CPU, 300m free of 3500m allocatable (3200m placed)"));
  }

  @Test
  void memoryUpToWhatIsFreeFits() {
    assertFits(needs(0, 3584 * MI, anyArchitecture(), null, Map.of()), PI, Used.NOTHING);
    assertFits(needs(0, 128 * MI, anyArchitecture(), null, Map.of()), PI, new Used(0, 3456 * MI));
  }

  @Test
  void memoryAboveWhatIsFreeDoesNotFit() {
    assertMisfits(
        needs(0, 256 * MI, anyArchitecture(), null, Map.of()),
        PI,
        new Used(0, 3456 * MI),
        new Misfit(
            Constraint.MEMORY,
            "needs 256Mi memory, 128Mi free of 3584Mi allocatable (3456Mi placed)"));
  }

  @Test
  void onAnOverCommittedNodeAnyRequestFailsWithANegativeFreeAmount() {
    assertMisfits(
        needs(1, 1, anyArchitecture(), null, Map.of()),
        PI,
        new Used(4000, 4096 * MI),
        new Misfit(Constraint.CPU, "needs 1m CPU, -500m free of 3500m allocatable (4000m placed)"),
        new Misfit(
            Constraint.MEMORY, "needs 1 memory, -512Mi free of 3584Mi allocatable (4Gi placed)"));
  }

  @Test
  void onAnOverCommittedNodeZeroRequestsStillFit() {
    assertFits(
        needs(0, 0, EnumSet.of(Architecture.ARM64), "11", Map.of("gpio", 1)),
        PI,
        new Used(4000, 4096 * MI));
  }

  @Test
  void reportsEveryMisfitAtOnceInConstraintOrder() {
    assertMisfits(
        needs(4000, 4 * 1024 * MI, EnumSet.of(Architecture.AMD64), "12", Map.of("gpu", 1)),
        PI,
        Used.NOTHING,
        new Misfit(Constraint.ARCHITECTURE, "needs architecture amd64, profile pi is arm64"),
        new Misfit(Constraint.FIRMWARE, "needs firmware >= 12, profile pi has Test OS 11.9"),
        new Misfit(Constraint.PERIPHERAL, "needs 1 gpu, profile pi has 0"),
        new Misfit(Constraint.CPU, "needs 4000m CPU, 3500m free of 3500m allocatable (0m placed)"),
        new Misfit(
            Constraint.MEMORY, "needs 4Gi memory, 3584Mi free of 3584Mi allocatable (0 placed)"));
  }

  @Test
  void checkIsEmptyExactlyWhenFitsSaysYesOverRandomCases() {
    Random random = new Random(20_261_201L);
    List<FirmwareProfile> profiles = new ArrayList<>(ProfileCatalog.builtIn().all());
    profiles.add(PI);
    int fitting = 0;
    for (int i = 0; i < 5_000; i++) {
      FirmwareProfile p = profiles.get(random.nextInt(profiles.size()));
      WorkloadNeeds n = randomNeeds(random);
      Used u = new Used(random.nextInt(8000), random.nextLong(10L << 30));
      boolean fits = Fit.fits(n, p, u);
      List<Misfit> misfits = Fit.check(n, p, u);
      assertEquals(misfits.isEmpty(), fits, () -> n + " on " + p.name() + " with " + u);
      for (int j = 1; j < misfits.size(); j++) {
        assertTrue(misfits.get(j - 1).constraint().compareTo(misfits.get(j).constraint()) <= 0);
      }
      fitting += fits ? 1 : 0;
    }
    // Both answers are exercised, not just one.
    assertTrue(fitting > 250 && fitting < 4_750, "fitting cases: " + fitting);
  }

  @Test
  void fitsAllocatesNothingPerCall() {
    assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    WorkloadNeeds n =
        needs(
            500,
            256 * MI,
            EnumSet.of(Architecture.ARM64, Architecture.AMD64),
            "11",
            Map.of("gpio", 4, "camera", 1));
    Used u = new Used(1000, 512 * MI);
    long thread = Thread.currentThread().threadId();
    int yes = 0;
    for (int i = 0; i < 10_000; i++) {
      yes += Fit.fits(n, PI, u) ? 1 : 0;
    }

    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 1_000_000; i++) {
      yes += Fit.fits(n, PI, u) ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertEquals(1_010_000, yes);
    // A single allocation per call would be at least 16 MB here; allow a little for the JVM.
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes in 1,000,000 calls");
  }

  private static void assertFits(WorkloadNeeds n, FirmwareProfile p, Used u) {
    assertTrue(Fit.fits(n, p, u));
    assertEquals(List.of(), Fit.check(n, p, u));
  }

  private static void assertMisfits(WorkloadNeeds n, FirmwareProfile p, Used u, Misfit... want) {
    assertFalse(Fit.fits(n, p, u));
    assertEquals(List.of(want), Fit.check(n, p, u));
  }

  private static WorkloadNeeds randomNeeds(Random random) {
    TreeSet<Architecture> architectures = new TreeSet<>();
    if (random.nextInt(3) == 0) {
      for (Architecture a : Architecture.values()) {
        if (random.nextBoolean()) {
          architectures.add(a);
        }
      }
    }
    String version =
        switch (random.nextInt(4)) {
          case 0 -> random.nextInt(40) + "." + random.nextInt(10);
          case 1 -> Integer.toString(random.nextInt(30));
          default -> null;
        };
    SortedMap<String, Integer> peripherals = new TreeMap<>();
    if (random.nextInt(3) == 0) {
      String[] names = {"gpu", "gpio", "serial", "camera", "usb", "modem"};
      peripherals.put(names[random.nextInt(names.length)], random.nextInt(4));
    }
    int cpu = random.nextBoolean() ? 0 : random.nextInt(6000);
    long memory = random.nextBoolean() ? 0 : random.nextLong(8L << 30);
    return needs(cpu, memory, architectures, version, peripherals);
  }

  private static WorkloadNeeds needs(
      int cpu,
      long memory,
      Set<Architecture> architectures,
      @Nullable String minVersion,
      Map<String, Integer> peripherals) {
    return new WorkloadNeeds(
        cpu,
        memory,
        new TreeSet<>(architectures),
        minVersion == null ? null : FirmwareVersion.parse(minVersion).orElseThrow(),
        new TreeMap<>(peripherals));
  }

  private static FirmwareProfile profile(
      Architecture architecture, String version, Map<String, Integer> peripherals) {
    return new FirmwareProfile(
        "pi",
        "A test profile",
        architecture,
        new Firmware("Test OS", FirmwareVersion.parse(version).orElseThrow()),
        new Capacity(4000, 4096 * MI, 32L << 30),
        new Capacity(500, 512 * MI, 4L << 30),
        new TreeMap<>(peripherals),
        Connectivity.ETHERNET,
        AgentTuning.LAN);
  }

  private static Set<Architecture> anyArchitecture() {
    return EnumSet.noneOf(Architecture.class);
  }
}
