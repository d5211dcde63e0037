package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.client.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads that several commands share: every page of nodes and events, a node's placements. */
final class Fleet {
  /** How many nodes one call asks for, unless {@code --chunk-size} says otherwise. */
  static final int NODE_PAGE = 500;

  private static final int EVENT_PAGE = 500;

  private Fleet() {}

  /** Every node the selector and state match, following the API's continue token. */
  static List<JsonNode> nodes(ApiClient api, String selector, String state, int pageSize) {
    List<JsonNode> all = new ArrayList<>();
    String next = "";
    do {
      JsonNode page =
          api.get(
              "/api/v1/nodes?limit="
                  + pageSize
                  + "&labelSelector="
                  + ApiClient.encode(selector)
                  + "&state="
                  + ApiClient.encode(state)
                  + "&continue="
                  + ApiClient.encode(next));
      page.path("items").forEach(all::add);
      JsonNode token = page.path("continueToken");
      next = token.isTextual() ? token.asText() : "";
    } while (!next.isEmpty());
    return all;
  }

  /**
   * The events for a node and/or deployment (empty: any), oldest first, following {@code next};
   * only the last {@code last} when positive.
   */
  static List<JsonNode> events(ApiClient api, String node, String deployment, int last) {
    List<JsonNode> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page =
          api.get(
              "/api/v1/events?node="
                  + ApiClient.encode(node)
                  + "&deployment="
                  + ApiClient.encode(deployment)
                  + "&after="
                  + after
                  + "&limit="
                  + EVENT_PAGE);
      JsonNode items = page.path("items");
      items.forEach(all::add);
      if (last > 0 && all.size() > last * 4 + EVENT_PAGE) {
        all.subList(0, all.size() - last).clear();
      }
      long next = page.path("next").asLong(after);
      if (items.size() < EVENT_PAGE || next == after) {
        break;
      }
      after = next;
    }
    return last > 0 && all.size() > last ? all.subList(all.size() - last, all.size()) : all;
  }

  /** Every deployment. */
  static List<JsonNode> deployments(ApiClient api) {
    List<JsonNode> all = new ArrayList<>();
    api.get("/api/v1/deployments").forEach(all::add);
    return all;
  }

  /** A deployment's latest rollouts, newest first; empty when it has had none. */
  static List<JsonNode> rollouts(ApiClient api, String deployment, int limit) {
    List<JsonNode> all = new ArrayList<>();
    api.get(ClientCommand.path("/api/v1/deployments", deployment) + "/rollouts?limit=" + limit)
        .forEach(all::add);
    return all;
  }

  /** The deployment's rollout in progress or latest, with progress; null when it has had none. */
  static @Nullable JsonNode rollout(ApiClient api, String deployment) {
    try {
      return api.get(ClientCommand.path("/api/v1/deployments", deployment) + "/rollout");
    } catch (ApiException e) {
      if (e.status() == 404 && e.getMessage().contains("has had no rollout")) {
        return null;
      }
      throw e;
    }
  }

  /** The deployment's canonical manifest. */
  static JsonNode manifest(ApiClient api, String deployment) {
    return api.get(ClientCommand.path("/api/v1/deployments", deployment) + "/manifest");
  }

  /** Placement's decision for one node, null when the deployment does not consider the node. */
  static @Nullable JsonNode decision(ApiClient api, String deployment, String node) {
    JsonNode page =
        api.get(
            ClientCommand.path("/api/v1/deployments", deployment)
                + "/placement?node="
                + ApiClient.encode(node));
    JsonNode nodes = page.path("nodes");
    return nodes.isEmpty() ? null : nodes.get(0);
  }

  /** A decision's reasons as one line: {@code constraint: message; ...}. */
  static String reasons(JsonNode decision) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : decision.path("reasons")) {
      out.add(r.path("constraint").asText() + ": " + r.path("message").asText());
    }
    return String.join("; ", out);
  }

  /** A string field, empty when missing or null. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNull() || v.isMissingNode() ? "" : v.asText();
  }
}
