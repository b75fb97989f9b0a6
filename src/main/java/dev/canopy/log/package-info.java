/**
 * The fields every Canopy log line carries in the MDC ({@code runId}, {@code function}, {@code algorithm} or
 * {@code shard}, {@code attempt}), which JSON logging prints under {@code mdc}.
 */
package dev.canopy.log;
