/**
 * The controller's embedded MQTT broker: HiveMQ CE with an extension that authenticates every
 * client and confines each node to its own topics.
 *
 * <p>Everything here is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.flotilla.controller.broker;

import org.jspecify.annotations.NullMarked;
