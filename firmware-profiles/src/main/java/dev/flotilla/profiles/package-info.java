/**
 * Device profiles, one YAML file per device class ({@link dev.flotilla.profiles.ProfileLoader},
 * {@link dev.flotilla.profiles.ProfileCatalog}), the quantity notations they share with manifests
 * ({@link dev.flotilla.profiles.Quantities}), and the pure check of whether a workload fits a node
 * ({@link dev.flotilla.profiles.Fit}). Used by the controller (placement) and the edge agent (the
 * types only; the agent never reads YAML).
 *
 * <p>Everything here is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.flotilla.profiles;

import org.jspecify.annotations.NullMarked;
