/**
 * Remote commands: the controller sends a node a command over MQTT ({@code cmd}) and waits for its
 * replies ({@code cmd/reply}), matched by correlation data. See {@code docs/adr/0007}.
 *
 * <p>Everything here is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.flotilla.controller.command;

import org.jspecify.annotations.NullMarked;
