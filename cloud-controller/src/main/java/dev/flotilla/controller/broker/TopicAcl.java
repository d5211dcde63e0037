package dev.flotilla.controller.broker;

import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Topics;
import java.util.Objects;

/**
 * Which topics a {@link BrokerPrincipal} may subscribe and publish to: pure functions, no state.
 *
 * <table>
 *   <caption>The rules</caption>
 *   <tr><th>principal</th><th>subscribe</th><th>publish</th></tr>
 *   <tr>
 *     <td>node {@code n}</td>
 *     <td>exactly {@code flotilla/v1/nodes/n/desired} and {@code flotilla/v1/nodes/n/cmd}: no
 *         wildcards, no shared subscriptions, no other node</td>
 *     <td>exactly its own {@code status}, {@code events}, {@code cmd/reply} (not retained) and
 *         {@code presence} (retained or not, also as its will)</td>
 *   </tr>
 *   <tr>
 *     <td>controller</td>
 *     <td>any filter under {@code flotilla/v1/}, wildcards included, also as {@code
 *         $share/{group}/flotilla/v1/...}</td>
 *     <td>any topic under {@code flotilla/v1/}, retained or not</td>
 *   </tr>
 * </table>
 *
 * <p>Node rules compare whole strings with the topics {@link Topics} builds, so a prefix ({@code a}
 * vs {@code ab}), a case variant, an empty level or a trailing {@code /#} never matches. Nothing
 * outside {@code flotilla/v1/} is allowed to anyone: the broker carries Flotilla's traffic only.
 */
public final class TopicAcl {
  private static final String SHARE_PREFIX = "$share/";

  private TopicAcl() {}

  /**
   * Whether {@code principal} may subscribe to {@code topicFilter}, given as it appears in the
   * SUBSCRIBE packet (with any {@code $share/{group}/} prefix).
   *
   * @throws NullPointerException when an argument is null
   */
  public static boolean maySubscribe(BrokerPrincipal principal, String topicFilter) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(topicFilter, "topicFilter");
    return switch (principal) {
      case BrokerPrincipal.Node(NodeId node) ->
          topicFilter.equals(Topics.desired(node)) || topicFilter.equals(Topics.command(node));
      case BrokerPrincipal.Controller() -> isUnderRoot(withoutShare(topicFilter));
    };
  }

  /**
   * Whether {@code principal} may publish to {@code topic} with the given retain flag; the same
   * rule applies to a will message set at CONNECT.
   *
   * @throws NullPointerException when an argument is null
   */
  public static boolean mayPublish(BrokerPrincipal principal, String topic, boolean retain) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(topic, "topic");
    return switch (principal) {
      case BrokerPrincipal.Node(NodeId node) ->
          topic.equals(Topics.presence(node))
              || (!retain
                  && (topic.equals(Topics.status(node))
                      || topic.equals(Topics.events(node))
                      || topic.equals(Topics.commandReply(node))));
      case BrokerPrincipal.Controller() ->
          isUnderRoot(topic) && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    };
  }

  /**
   * The filter without its {@code $share/{group}/} prefix; {@code ""} for a malformed shared
   * subscription (no group, or a group with a wildcard), which is then under no root.
   */
  private static String withoutShare(String filter) {
    if (!filter.startsWith(SHARE_PREFIX)) {
      return filter;
    }
    String rest = filter.substring(SHARE_PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return "";
    }
    String group = rest.substring(0, slash);
    if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
      return "";
    }
    return rest.substring(slash + 1);
  }

  private static boolean isUnderRoot(String topicOrFilter) {
    return topicOrFilter.startsWith(Topics.ROOT) && topicOrFilter.length() > Topics.ROOT.length();
  }
}
