package dev.canopy.invoke.local;

import dev.canopy.log.LogContext;

import java.util.function.Supplier;

/**
 * Runs a call on a platform thread of its own and waits for it, as if the caller had run it: the same log
 * fields, its exceptions rethrown, and an interrupt of the caller passed on to the call.
 *
 * <p>Invariant: {@link #call} returns only after the call has ended, even when the caller is interrupted, so
 * a pool slot that interrupts a call it timed out ({@code FunctionPool}) is never free while its call still
 * runs. The caller's interrupt status is set again before it returns.
 */
final class OwnThread {
    private OwnThread() {
    }

    static String call(Supplier<String> body) {
        Object[] fields = LogContext.fields();
        String[] result = new String[1];
        Throwable[] failure = new Throwable[1];
        // a daemon, as the virtual thread it stands in for: a call left running never holds the JVM open
        Thread worker = Thread.ofPlatform().daemon(true).name("local-" + Thread.currentThread().getName()).start(() -> {
            try (LogContext ignored = LogContext.push(fields)) {
                result[0] = body.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                // join() orders the worker's writes before the reads below
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                worker.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a checked exception escaped the function", failure[0]);
        }
        return result[0];
    }
}
