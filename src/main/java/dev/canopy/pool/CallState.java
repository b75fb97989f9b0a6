package dev.canopy.pool;

/** How one item of a {@link FunctionPool} ended. */
public enum CallState {
    /** The call returned a value. */
    SUCCEEDED,
    /** The call failed permanently, or transiently on every allowed attempt. */
    FAILED,
    /** The last attempt did not finish within the per-call timeout. */
    TIMED_OUT,
    /** The pool was cancelled before the item finished (or started). */
    CANCELLED
}
