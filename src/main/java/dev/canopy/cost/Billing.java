package dev.canopy.cost;

/**
 * What one invocation was billed, as far as the caller can know it.
 *
 * @param billedMillis billed duration in whole milliseconds (Lambda bills in 1 ms steps, rounded up)
 * @param memoryMb     the memory the invocation was billed at: the REPORT line's {@code Memory Size} on
 *                     Lambda; null when measured locally, where the price table's configured memory applies
 * @param source       where the figure comes from
 */
public record Billing(long billedMillis, Integer memoryMb, Source source) {

    /** Where a billed duration comes from. */
    public enum Source {
        /** The {@code Billed Duration} of the invocation's REPORT line ({@code LogType: Tail}). */
        LAMBDA_REPORT,
        /** Wall time measured around an in-process call, rounded up to the next millisecond as Lambda bills. */
        MEASURED
    }

    public Billing {
        if (billedMillis < 0) {
            throw new IllegalArgumentException("billed milliseconds must not be negative: " + billedMillis);
        }
    }

    /**
     * A locally measured call: its wall time rounded up to the next whole millisecond, as Lambda rounds a
     * duration (1 ms granularity since December 2020); a call that took any time at all bills at least 1 ms.
     */
    public static Billing measured(long nanos) {
        return new Billing(nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000, null, Source.MEASURED);
    }
}
