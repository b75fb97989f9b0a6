package dev.canopy.pool;

/**
 * The outcome of one submitted item. Every submitted item yields exactly one result, whatever happened to
 * it: a failure is a result, never a lost item.
 *
 * @param index    submission number, from 0
 * @param input    the submitted item
 * @param state    how it ended
 * @param value    the call's value when SUCCEEDED, else null
 * @param error    the last error when not SUCCEEDED, else null
 * @param attempts calls made for this item (0 when cancelled before it started)
 * @param millis   wall time from the first attempt's start to the end
 * @param slot     the pool slot that ran it, or -1 when it never ran
 */
public record PoolResult<I, O>(long index, I input, CallState state, O value, Throwable error, int attempts,
                               long millis, int slot) {

    public boolean succeeded() {
        return state == CallState.SUCCEEDED;
    }
}
