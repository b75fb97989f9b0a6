package dev.canopy.cost;

/**
 * A call that failed, as the cost meter sees it: whether it reached its function (which Lambda bills, or may
 * have run) and what it was billed. Implemented by the invocation layer's exception, so that {@code cost}
 * needs nothing of {@code invoke} (which depends on {@code cost} for {@link Billing}).
 */
public interface FailedCall {
    /** The function ran and failed, or no answer came (it may have run): an invocation to count. */
    boolean reachedFunction();

    /** What the call was billed, or null when unknown. */
    Billing billing();
}
