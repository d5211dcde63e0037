package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.client.ApiException;
import dev.flotilla.cli.format.Ages;
import dev.flotilla.cli.format.ResourceKind;
import dev.flotilla.cli.format.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla get nodes|deployments|rollouts|events [NAME]}: lists in a kubectl-style table, a
 * wide one, or the API's objects as YAML or JSON ({@code {"items": [...]}} for a list). Lists
 * follow the API's paging to the end.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "List nodes, deployments, rollouts or events (one of them with NAME).")
final class GetCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "KIND",
      completionCandidates = Kinds.class,
      description =
          "nodes (node, no), deployments (deployment, deploy), rollouts (rollout, ro),"
              + " events (event, ev)")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Only this one.")
  @Nullable String name;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description = "Nodes only: a label selector, e.g. site=north,district in (d1,d2),!gpu.")
  String selector = "";

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description =
          "Nodes: PENDING, READY, NOT_READY, UNREACHABLE; rollouts: PROGRESSING, PAUSED, ...")
  String state = "";

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      completionCandidates = Output.Names.class,
      description = "table (default), wide, yaml or json.")
  String output = "table";

  @Option(names = "--node", paramLabel = "NODE", description = "Events only: of this node.")
  String node = "";

  @Option(
      names = "--deployment",
      paramLabel = "NAME",
      description = "Events only: of this deployment.")
  String deployment = "";

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Events only: the last N (default: all).")
  int limit;

  @Option(
      names = "--chunk-size",
      paramLabel = "N",
      description =
          "Nodes only: how many nodes one API call asks for, 1 to 1000 (default 500);"
              + " every page is listed.")
  int chunkSize = Fleet.NODE_PAGE;

  /** The names {@code get} accepts for its kinds, for completion. */
  static final class Kinds extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Kinds() {
      super(ResourceKind.allNames());
    }
  }

  @Override
  int execute() {
    ResourceKind k =
        ResourceKind.of(kind)
            .orElseThrow(
                () ->
                    usage(
                        "unknown kind '"
                            + kind
                            + "'; use nodes, deployments, rollouts or events (or no, deploy, ro,"
                            + " ev)"));
    Output format = Output.of(output, List.of(Output.values()), spec);
    if (!selector.isEmpty() && k != ResourceKind.NODES) {
      throw usage("-l/--selector works for nodes only");
    }
    if (k != ResourceKind.EVENTS && (!node.isEmpty() || !deployment.isEmpty() || limit != 0)) {
      throw usage("--node, --deployment and --limit work for events only");
    }
    if (!state.isEmpty() && k != ResourceKind.NODES && k != ResourceKind.ROLLOUTS) {
      throw usage("--state works for nodes and rollouts only");
    }
    if (chunkSize < 1 || chunkSize > 1000) {
      throw usage("--chunk-size must be 1 to 1000 (the API's page limit), was " + chunkSize);
    }
    if (limit < 0) {
      throw usage("--limit must be 0 (all) or more, was " + limit);
    }
    Instant now = now();
    switch (k) {
      case NODES -> nodes(format, now);
      case DEPLOYMENTS -> deployments(format, now);
      case ROLLOUTS -> rollouts(format, now);
      case EVENTS -> events(format, now);
    }
    return 0;
  }

  private void nodes(Output format, Instant now) {
    ApiClient api = api();
    List<JsonNode> nodes;
    if (name != null) {
      nodes = List.of(api.get(path("/api/v1/nodes", name)));
    } else {
      try {
        nodes = Fleet.nodes(api, selector, state.toUpperCase(Locale.ROOT), chunkSize);
      } catch (ApiException e) {
        // The controller owns the selector grammar (one parser, no second one here to drift);
        // a selector or state it refuses is the operator's usage error all the same.
        if (e.field().equals("labelSelector") || e.field().equals("state")) {
          throw usage(
              "invalid " + (e.field().equals("state") ? "--state" : "-l") + ": " + e.getMessage());
        }
        throw e;
      }
      if (format == Output.WIDE) {
        List<JsonNode> detailed = new ArrayList<>();
        for (JsonNode n : nodes) {
          detailed.add(api.get(path("/api/v1/nodes", n.path("id").asText())));
        }
        nodes = detailed;
      }
    }
    if (print(nodes, format)) {
      return;
    }
    Table t =
        format == Output.WIDE
            ? new Table(
                "NAME",
                "STATE",
                "PROFILE",
                "DISTRICT",
                "SITE",
                "LAST-SEEN",
                "AGE",
                "SESSION",
                "AGENT",
                "GENERATION",
                "TAINTS",
                "WORKLOADS",
                "LABELS")
            : new Table("NAME", "STATE", "PROFILE", "DISTRICT", "SITE", "LAST-SEEN", "AGE");
    for (JsonNode n : nodes) {
      JsonNode labels = n.path("labels");
      List<String> row = new ArrayList<>();
      row.add(n.path("id").asText());
      row.add(n.path("state").asText() + (n.path("cordoned").asBoolean() ? ",CORDONED" : ""));
      row.add(Fleet.text(n, "profile"));
      row.add(Fleet.text(labels, "district"));
      row.add(Fleet.text(labels, "site"));
      row.add(Ages.since(Fleet.text(n, "lastSeenAt"), now));
      row.add(Ages.since(Fleet.text(n, "enrolledAt"), now));
      if (format == Output.WIDE) {
        row.add(Fleet.text(n, "presence"));
        row.add(Fleet.text(n, "agentVersion"));
        row.add(n.path("observedGeneration").asLong() + "/" + n.path("desiredGeneration").asLong());
        row.add(taints(n));
        row.add(workloads(n));
        row.add(labels(labels));
      }
      t.row(row);
    }
    empty(t, "nodes");
  }

  private void deployments(Output format, Instant now) {
    ApiClient api = api();
    List<JsonNode> all =
        name == null ? Fleet.deployments(api) : List.of(api.get(path("/api/v1/deployments", name)));
    if (print(all, format)) {
      return;
    }
    Table t =
        format == Output.WIDE
            ? new Table(
                "NAME",
                "REVISION",
                "IMAGE",
                "REPLICAS",
                "NODES",
                "READY",
                "ROLLOUT",
                "AGE",
                "STABLE",
                "SELECTOR",
                "NODE-STATES")
            : new Table(
                "NAME", "REVISION", "IMAGE", "REPLICAS", "NODES", "READY", "ROLLOUT", "AGE");
    for (JsonNode d : all) {
      long total = 0;
      Map<String, Long> states = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : d.path("nodes").properties()) {
        total += e.getValue().asLong();
        states.put(e.getKey(), e.getValue().asLong());
      }
      JsonNode rollout = d.path("rollout");
      List<String> row = new ArrayList<>();
      row.add(d.path("name").asText());
      row.add(d.path("revision").asText());
      row.add(Fleet.text(d, "image"));
      row.add(d.path("replicas").isNull() ? "all" : d.path("replicas").asText());
      row.add(Long.toString(total));
      row.add(Long.toString(states.getOrDefault("READY", 0L)));
      row.add(
          rollout.isObject()
              ? rollout.path("state").asText() + " step " + (rollout.path("step").asInt() + 1)
              : "-");
      row.add(Ages.since(Fleet.text(d, "createdAt"), now));
      if (format == Output.WIDE) {
        row.add(d.path("stableRevision").asText());
        row.add(Fleet.text(d, "selector"));
        List<String> s = new ArrayList<>();
        states.forEach((k, v) -> s.add(k + "=" + v));
        row.add(String.join(",", s));
      }
      t.row(row);
    }
    empty(t, "deployments");
  }

  private void rollouts(Output format, Instant now) {
    ApiClient api = api();
    List<JsonNode> all = new ArrayList<>();
    if (name != null) {
      all.addAll(Fleet.rollouts(api, name, 100));
    } else {
      for (JsonNode d : Fleet.deployments(api)) {
        all.addAll(Fleet.rollouts(api, d.path("name").asText(), 1));
      }
    }
    if (!state.isEmpty()) {
      all.removeIf(r -> !r.path("state").asText().equalsIgnoreCase(state));
    }
    if (print(all, format)) {
      return;
    }
    Table t =
        format == Output.WIDE
            ? new Table(
                "DEPLOYMENT",
                "ID",
                "REVISIONS",
                "STATE",
                "STEP",
                "AGE",
                "CAUSE",
                "UPDATED",
                "MESSAGE")
            : new Table("DEPLOYMENT", "ID", "REVISIONS", "STATE", "STEP", "AGE", "MESSAGE");
    for (JsonNode r : all) {
      List<String> row = new ArrayList<>();
      row.add(r.path("deployment").asText());
      row.add(r.path("id").asText());
      row.add(r.path("fromRevision").asInt() + "->" + r.path("toRevision").asInt());
      row.add(r.path("state").asText());
      row.add(Integer.toString(r.path("step").asInt() + 1));
      row.add(Ages.since(Fleet.text(r, "createdAt"), now));
      if (format == Output.WIDE) {
        row.add(Fleet.text(r, "cause"));
        row.add(Ages.since(Fleet.text(r, "updatedAt"), now));
      }
      String message = Fleet.text(r, "message");
      row.add(message.isEmpty() ? Fleet.text(r, "pauseReason") : message);
      t.row(row);
    }
    empty(t, "rollouts");
  }

  private void events(Output format, Instant now) {
    if (name != null) {
      throw usage("get events takes no NAME; use --node or --deployment");
    }
    List<JsonNode> all = Fleet.events(api(), node, deployment, limit);
    if (print(all, format)) {
      return;
    }
    out().print(eventTable(all, format == Output.WIDE, now, true).render());
    if (all.isEmpty()) {
      err().println("No events found.");
    }
  }

  /** The events as a table; {@code withNode} adds the NODE column. */
  static Table eventTable(List<JsonNode> events, boolean wide, Instant now, boolean withNode) {
    List<String> headers = new ArrayList<>(List.of("AGE", "SEVERITY", "TYPE"));
    if (withNode) {
      headers.add("NODE");
    }
    headers.add("WORKLOAD");
    if (wide) {
      headers.addAll(List.of("ORDER", "GENERATION", "ATTRIBUTES"));
    }
    headers.add("MESSAGE");
    Table t = new Table(headers);
    for (JsonNode e : events) {
      List<String> row = new ArrayList<>();
      row.add(Ages.since(Fleet.text(e, "at"), now));
      row.add(Fleet.text(e, "severity"));
      row.add(Fleet.text(e, "type"));
      if (withNode) {
        String n = Fleet.text(e, "node");
        row.add(n.isEmpty() ? "(controller)" : n);
      }
      row.add(Fleet.text(e, "workload"));
      if (wide) {
        row.add(e.path("order").asText());
        row.add(e.path("generation").asText());
        row.add(labels(e.path("attributes")));
      }
      row.add(Fleet.text(e, "message").replace('\n', ' '));
      t.row(row);
    }
    return t;
  }

  /** For yaml and json: prints the object or {@code {"items": [...]}} and answers true. */
  private boolean print(List<JsonNode> items, Output format) {
    if (format != Output.YAML && format != Output.JSON) {
      return false;
    }
    if (name != null && items.size() == 1 && !kind.startsWith("rollout") && !kind.equals("ro")) {
      out().print(Output.print(items.get(0), format));
      return true;
    }
    ObjectNode list = Output.json().createObjectNode();
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    out().print(Output.print(list, format));
    return true;
  }

  private void empty(Table t, String what) {
    if (t.isEmpty()) {
      err().println("No " + what + " found.");
    } else {
      out().print(t.render());
    }
  }

  static String labels(JsonNode labels) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      out.add(e.getKey() + "=" + e.getValue().asText());
    }
    return String.join(",", out);
  }

  static String taints(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : node.path("taints")) {
      String value = Fleet.text(t, "value");
      out.add(
          t.path("key").asText()
              + (value.isEmpty() ? "" : "=" + value)
              + ":"
              + t.path("effect").asText());
    }
    return String.join(",", out);
  }

  private static String workloads(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (JsonNode w : node.path("workloads")) {
      out.add(w.path("name").asText() + "(" + w.path("state").asText() + ")");
    }
    return String.join(",", out);
  }
}
