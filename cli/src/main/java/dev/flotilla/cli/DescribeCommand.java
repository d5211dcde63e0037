package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.format.Ages;
import dev.flotilla.cli.format.Fields;
import dev.flotilla.cli.format.ResourceKind;
import dev.flotilla.cli.format.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla describe node|deployment NAME}: everything an operator asks first about one node
 * or deployment, gathered from several API calls.
 */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Show a node or a deployment in detail, with placement reasons and events.")
final class DescribeCommand extends ClientCommand {
  private static final int EVENTS = 10;
  private static final int UNPLACED = 20;

  @Parameters(index = "0", paramLabel = "KIND", description = "node (no) or deployment (deploy)")
  String kind;

  @Parameters(
      index = "1",
      paramLabel = "NAME",
      description = "The node's id or the deployment's name.")
  String name;

  @Override
  int execute() {
    switch (ResourceKind.exactly(kind).orElse(null)) {
      case NODES -> node();
      case DEPLOYMENTS -> deployment();
      case null, default -> throw usage("describe takes node or deployment, not '" + kind + "'");
    }
    return 0;
  }

  private void node() {
    ApiClient api = api();
    Instant now = now();
    JsonNode n = api.get(path("/api/v1/nodes", name));
    Fields f = new Fields();
    f.add("Name", n.path("id").asText());
    f.add(
        "State", n.path("state").asText() + " for " + Ages.since(Fleet.text(n, "stateSince"), now));
    f.add("Session", Fleet.text(n, "presence"));
    f.add("Cordoned", n.path("cordoned").asBoolean() ? "yes: gets no new deployment" : "no");
    f.add("Profile", Fleet.text(n, "profile"));
    f.add("Agent", Fleet.text(n, "agentVersion"));
    f.add(
        "Generation",
        "observed "
            + n.path("observedGeneration").asLong()
            + " of "
            + n.path("desiredGeneration").asLong());
    String lastSeen = Fleet.text(n, "lastSeenAt");
    f.add(
        "Last seen",
        lastSeen.isEmpty() ? "never" : lastSeen + " (" + Ages.since(lastSeen, now) + " ago)");
    f.add(
        "Enrolled",
        Fleet.text(n, "enrolledAt")
            + " ("
            + Ages.since(Fleet.text(n, "enrolledAt"), now)
            + " ago)");
    List<String> labels = new ArrayList<>();
    n.path("labels")
        .properties()
        .forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
    f.add("Labels", labels);
    String taints = GetCommand.taints(n);
    f.add("Taints", taints.isEmpty() ? List.of() : List.of(taints.split(",")));
    out().print(f.render());

    out().println("Workloads:");
    Table w = new Table("NAME", "REVISION", "STATE", "HEALTH", "RESTARTS", "SINCE", "MESSAGE");
    for (JsonNode x : n.path("workloads")) {
      w.row(
          x.path("name").asText(),
          Fleet.text(x, "revision"),
          Fleet.text(x, "state"),
          Fleet.text(x, "health"),
          x.path("restartCount").asText(),
          Ages.since(Fleet.text(x, "since"), now),
          Fleet.text(x, "message"));
    }
    indent(w.isEmpty() ? "<none>\n" : w.render());

    out().println("Deployments:");
    Table d = new Table("DEPLOYMENT", "PLACED", "WHY");
    for (JsonNode dep : Fleet.deployments(api)) {
      String dn = dep.path("name").asText();
      JsonNode decision = Fleet.decision(api, dn, name);
      if (decision == null) {
        d.row(
            dn,
            "no",
            "not selected: the selector (" + Fleet.text(dep, "selector") + ") does not match");
      } else if (decision.path("placed").asBoolean()) {
        d.row(dn, "yes", Fleet.text(decision, "note"));
      } else {
        d.row(dn, "no", Fleet.reasons(decision));
      }
    }
    indent(d.isEmpty() ? "<none>\n" : d.render());

    events(Fleet.events(api, name, "", EVENTS), now, false);
  }

  private void deployment() {
    ApiClient api = api();
    Instant now = now();
    String base = path("/api/v1/deployments", name);
    JsonNode d = api.get(base);
    JsonNode manifest = Fleet.manifest(api, name);
    Fields f = new Fields();
    f.add("Name", d.path("name").asText());
    int revision = d.path("revision").asInt();
    int stable = d.path("stableRevision").asInt();
    f.add(
        "Revision",
        revision + (stable != revision ? " (nodes not yet released run " + stable + ")" : ""));
    f.add("Image", Fleet.text(d, "image"));
    f.add("Selector", Fleet.text(d, "selector"));
    f.add(
        "Replicas",
        d.path("replicas").isNull() ? "every matching node" : d.path("replicas").asText());
    f.add(
        "Created",
        Fleet.text(d, "createdAt") + " (" + Ages.since(Fleet.text(d, "createdAt"), now) + " ago)");
    List<String> states = new ArrayList<>();
    d.path("nodes").properties().forEach(e -> states.add(e.getKey() + "=" + e.getValue().asText()));
    f.add("Nodes", String.join(", ", states));
    f.add("Strategy", strategy(manifest.path("spec").path("strategy")));
    out().print(f.render());

    out().println("Revisions:");
    Table r = new Table("REVISION", "IMAGE", "HASH", "AGE");
    for (JsonNode rev : api.get(base + "/revisions")) {
      String hash = Fleet.text(rev, "templateHash");
      r.row(
          rev.path("revision").asText(),
          rev.path("manifest").path("spec").path("template").path("image").asText(""),
          hash.length() > 12 ? hash.substring(0, 12) : hash,
          Ages.since(Fleet.text(rev, "createdAt"), now));
    }
    indent(r.isEmpty() ? "<none>\n" : r.render());

    out().println("Rollout:");
    JsonNode rollout = Fleet.rollout(api, name);
    if (rollout == null) {
      indent("<none>: a first revision goes to every node at once\n");
    } else {
      StringBuilder s = new StringBuilder();
      RolloutCommand.progress(rollout, manifest).lines().forEach(l -> s.append(l).append('\n'));
      for (JsonNode fn : rollout.path("failedNodes")) {
        s.append("failed ")
            .append(fn.path("node").asText())
            .append(": ")
            .append(fn.path("reason").asText())
            .append('\n');
      }
      if (!rollout.path("unreachableNodes").isEmpty()) {
        s.append("unreachable: ").append(join(rollout.path("unreachableNodes"))).append('\n');
      }
      if (!rollout.path("waitingNodes").isEmpty()) {
        s.append("waiting for a window: ").append(join(rollout.path("waitingNodes"))).append('\n');
      }
      indent(s.toString());
    }

    JsonNode placement = api.get(base + "/placement?placed=false&limit=1000");
    out().println("Placement:");
    StringBuilder p = new StringBuilder();
    p.append("placed on ").append(placement.path("placed").asInt());
    p.append(
        placement.path("replicas").isNull()
            ? " matching nodes"
            : " nodes of " + placement.path("replicas").asInt() + " replicas");
    List<String> counts = new ArrayList<>();
    placement
        .path("reasons")
        .properties()
        .forEach(e -> counts.add(e.getKey() + "=" + e.getValue().asText()));
    if (!counts.isEmpty()) {
      p.append("; nodes left out, by failed constraint: ").append(String.join(", ", counts));
    }
    p.append('\n');
    // Nodes the selector does not match are counted above; the table shows the ones it matches
    // that something else keeps out, which is what an operator asks about.
    Table u = new Table("NODE", "WHY NOT");
    int more = 0;
    for (JsonNode x : placement.path("nodes")) {
      boolean selectorOnly = true;
      for (JsonNode reason : x.path("reasons")) {
        selectorOnly &= reason.path("constraint").asText().equals("selector");
      }
      if (selectorOnly) {
        continue;
      }
      if (u.size() < UNPLACED) {
        u.row(x.path("node").asText(), Fleet.reasons(x));
      } else {
        more++;
      }
    }
    if (!u.isEmpty()) {
      p.append(u.render());
    }
    if (more > 0 || placement.path("continueToken").isTextual()) {
      p.append("(more: GET ").append(base).append("/placement?placed=false)\n");
    }
    indent(p.toString());

    events(Fleet.events(api, "", name, EVENTS), now, true);
  }

  private void events(List<JsonNode> events, Instant now, boolean withNode) {
    out().println("Events:");
    indent(
        events.isEmpty()
            ? "<none>\n"
            : GetCommand.eventTable(events, false, now, withNode).render());
  }

  private void indent(String block) {
    block.lines().forEach(l -> out().println("  " + l));
  }

  private static String join(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return String.join(", ", out);
  }

  /** The strategy in a few words: its type and the fields the manifest sets. */
  static String strategy(JsonNode s) {
    if (s.isMissingNode() || s.isNull() || s.isEmpty()) {
      return "Rolling (the default: a quarter of the nodes at a time)";
    }
    StringBuilder out = new StringBuilder(s.path("type").asText("Rolling"));
    List<String> rest = new ArrayList<>();
    s.properties()
        .forEach(
            e -> {
              if (!e.getKey().equals("type")) {
                rest.add(e.getKey() + "=" + compact(e.getValue()));
              }
            });
    if (!rest.isEmpty()) {
      out.append(": ").append(String.join(", ", rest));
    }
    return out.toString();
  }

  private static String compact(JsonNode v) {
    return v.isValueNode() ? v.asText() : v.toString().replace("\"", "");
  }
}
