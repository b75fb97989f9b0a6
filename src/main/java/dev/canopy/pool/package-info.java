/**
 * {@code FunctionPool}, Ray's ActorPool API over a bounded number of slots (every item exactly one result,
 * in-flight bounded with retries included), and {@code RetryPolicy}, the one place Canopy's retry rule is
 * written, with full-jitter backoff. Plain Java and SmallRye Fault Tolerance's API.
 */
package dev.canopy.pool;
