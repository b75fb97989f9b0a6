package dev.canopy.deadline;

import java.util.Locale;

/**
 * When the invocation running on this thread must have answered: on Lambda, what the runtime's
 * {@code Context.getRemainingTimeInMillis()} said as the invocation began (the function's timeout, less what
 * the runtime already used); elsewhere nothing, and a service falls back on its configured budget.
 *
 * <p>Set by the Lambda handler on the thread that runs the function, and cleared when the function returns;
 * Funqy calls a function on the handler's thread. Thread-confined: another thread (a pool's slot) does not
 * see it, so a service reads it where its request arrives and passes the figure on.
 */
public final class InvocationDeadline {
    private static final ThreadLocal<Long> DEADLINE_NANOS = new ThreadLocal<>();

    private InvocationDeadline() {
    }

    /** The invocation on this thread has {@code remainingMillis} left, from now. */
    public static void begin(long remainingMillis) {
        DEADLINE_NANOS.set(System.nanoTime() + Math.max(0, remainingMillis) * 1_000_000);
    }

    public static void end() {
        DEADLINE_NANOS.remove();
    }

    /** The earlier of the invocation's deadline, if one was set, and {@code budgetNanos} from now. */
    public static Deadline within(long budgetNanos, String budgetName) {
        long budget = System.nanoTime() + budgetNanos;
        Long lambda = DEADLINE_NANOS.get();
        if (lambda != null && lambda - budget < 0) {
            return new Deadline(lambda, "the invocation's remaining time (the Lambda context's)");
        }
        return new Deadline(budget, budgetName);
    }

    /**
     * @param nanos  a {@link System#nanoTime()} instant
     * @param source what set it, for error messages
     */
    public record Deadline(long nanos, String source) {
        public long millisLeft() {
            return (nanos - System.nanoTime()) / 1_000_000;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d ms left of %s", millisLeft(), source);
        }
    }
}
