/**
 * Canopy's exceptions: unchecked, each with its context (function, shard, algorithm, field and value) and
 * whether it is transient or permanent, the one bit that decides whether a caller retries.
 */
package dev.canopy.error;
