package dev.flotilla.controller.bench;

import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Controller benchmark on a whole controller (embedded broker, SQLite): enrolls N nodes (default
 * 10,000), then measures dispatch throughput (desired states computed, signed, stored and published
 * with PUBACK per second) for a deployment that selects every node, and API latency for paging
 * through the node list and for a single label update (which waits for its dispatch).
 *
 * <p>Run with {@code ./flotilla bench-controller [NODES]}; prints its figures.
 */
public final class ControllerBenchmark {
  private ControllerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("flotilla-controller-bench");
    try (ControllerHarness c = ControllerHarness.start(dir.resolve("data"))) {
      FleetService fleet = c.controller().fleet();
      String token =
          fleet.createEnrollmentToken("bench", nodes, java.time.Duration.ofHours(1)).token();
      long t0 = System.nanoTime();
      for (int i = 0; i < nodes; i++) {
        fleet.enroll(
            token,
            String.format("gw-%05d", i),
            Map.of("district", "d" + (i % 20), "site", "s" + (i % 200)),
            "generic-x86-64",
            "127.0.0.1");
      }
      double enrollS = (System.nanoTime() - t0) / 1e9;
      System.out.printf("enrolled %d nodes in %.1f s (%.0f/s)%n", nodes, enrollS, nodes / enrollS);
      // Let the enrollments' coalesced dispatch runs finish.
      c.controller().fleet().label("gw-00000", Map.of("bench", "yes"));

      List<Double> rates = new ArrayList<>();
      for (int run = 1; run <= 3; run++) {
        String manifest =
            """
            apiVersion: flotilla.dev/v1
            kind: Deployment
            metadata: {name: sensor}
            spec:
              # Every node at once: each apply is one fleet-wide dispatch run, as measured before
              # rollouts existed (the default rolling strategy would release a quarter per run).
              strategy: {type: AllAtOnce}
              template:
                image: localhost/sensor:%d
                env: {LOG_LEVEL: info}
                healthCheck: {http: {port: 8080, path: /healthz}}
            """
                .formatted(run);
        long s = System.nanoTime();
        Answer a = c.post("/api/v1/deployments", "application/yaml", manifest);
        double took = (System.nanoTime() - s) / 1e9;
        int changed = a.json().get("nodesChanged").asInt();
        double rate = changed / took;
        rates.add(rate);
        System.out.printf(
            "dispatch run %d: %d desired states computed, signed, stored and published in %.2f s"
                + " = %.0f per second (HTTP apply to last PUBACK)%n",
            run, changed, took, rate);
      }
      Collections.sort(rates);
      System.out.printf(
          "dispatch throughput median: %.0f desired states per second%n", rates.get(1));

      List<Long> pages = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        String next = "";
        do {
          long s = System.nanoTime();
          Answer a = c.get("/api/v1/nodes?limit=100" + (next.isEmpty() ? "" : "&continue=" + next));
          pages.add(System.nanoTime() - s);
          next = a.json().path("continueToken").asText("");
          if (a.json().get("continueToken").isNull()) {
            next = "";
          }
        } while (!next.isEmpty());
      }
      report("GET /api/v1/nodes?limit=100 (paging through all)", pages);

      List<Long> filtered = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        long s = System.nanoTime();
        c.get("/api/v1/nodes?limit=100&labelSelector=district%3Dd" + (i % 20));
        filtered.add(System.nanoTime() - s);
      }
      report("GET /api/v1/nodes?labelSelector=district=dN&limit=100", filtered);

      List<Long> updates = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long s = System.nanoTime();
        Answer a =
            c.send(
                "PATCH",
                "/api/v1/nodes/gw-0" + String.format("%04d", i) + "/labels",
                "application/json",
                "{\"labels\":{\"tier\":\"t" + i + "\"}}",
                c.adminToken());
        updates.add(System.nanoTime() - s);
        if (a.status() != 200) {
          throw new IllegalStateException("label update failed: " + a);
        }
      }
      report("PATCH /api/v1/nodes/{id}/labels (waits for its dispatch over all nodes)", updates);
    }
  }

  private static void report(String what, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    double p50 = sorted.get(sorted.size() / 2) / 1e6;
    double p99 =
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;
    System.out.printf("%s: n=%d p50=%.1f ms p99=%.1f ms%n", what, sorted.size(), p50, p99);
  }
}
