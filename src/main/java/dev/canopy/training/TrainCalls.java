package dev.canopy.training;

import dev.canopy.error.CanopyException;
import dev.canopy.invoke.FunctionInvocationException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.log.LogContext;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.pool.FunctionPool;
import dev.canopy.pool.PoolResult;
import dev.canopy.pool.RetryPolicy;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The supervisor's calls to trainers: each round of {@code train} invocations (one per algorithm, a search's
 * trials, its refits) runs in a {@link FunctionPool}, metered, and becomes one {@link TrainInvocation} per
 * call on the run's timeline.
 *
 * <p><b>Retries.</b> The pool is the one layer that retries a call ({@link RetryPolicy} states the rule), over
 * an invoker that makes one attempt: a call is made again only when the invocation failed around the
 * function (throttled, unreachable, a 5xx of the service), at most {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}
 * times. A trainer is not idempotent (it writes its status and model), so a call that timed out or got no
 * answer is never made again; nor is one the trainer failed. {@link #pool} holds that rule for every pool of
 * {@code train} calls, a forest's fan-out's included.
 */
final class TrainCalls {
    /** The supervisor's category: these lines are the supervisor's. */
    private static final Logger LOG = Logger.getLogger(SupervisorService.class);

    /** One train call of a run: its place in the run's list of calls, and what it is for. */
    record Job(int index, String kind, Algorithm algorithm, Integer config, Integer fold, TrainRequest request) {
    }

    private final FunctionInvoker invoker;
    private final Backoff backoff;

    /** @param invoker a transport that makes one attempt per call: the pools retry */
    TrainCalls(FunctionInvoker invoker, Backoff backoff) {
        this.invoker = invoker;
        this.backoff = backoff;
    }

    /**
     * A pool of {@code size} slots for {@code train} calls: retried only when the invocation failed around the
     * function, never after a call without an answer (a trainer writes its status and model; a worker its share).
     */
    static <I> FunctionPool.Builder<I, TrainResult> pool(int size, Backoff backoff) {
        return FunctionPool.<I, TrainResult>builder(size)
                .backoff(backoff)
                .retryable(FunctionInvocationException::invocationFault)
                .timeouts(FunctionInvocationException::noResponse)
                .retryTimeouts(false);
    }

    /**
     * Runs {@code jobs} in a pool of {@code size} slots and returns their results in job order; appends one
     * {@link TrainInvocation} per job to {@code invocations}.
     */
    List<PoolResult<Job, TrainResult>> call(SuperviseRun run, List<Job> jobs, int size, List<TrainInvocation> invocations,
                                            FunctionPool.ProgressListener<Job, TrainResult> progress) {
        return call(run, jobs, size, invocations, progress, j -> true);
    }

    /**
     * {@link #call} that submits a job only while {@code mayStart} says so; the results are those of the jobs
     * submitted, in job order (a prefix of {@code jobs}).
     */
    List<PoolResult<Job, TrainResult>> call(SuperviseRun run, List<Job> jobs, int size, List<TrainInvocation> invocations,
                                            FunctionPool.ProgressListener<Job, TrainResult> progress,
                                            Predicate<Job> mayStart) {
        long[] start = new long[jobs.size()];
        long[] end = new long[jobs.size()];
        // a run makes several rounds of calls (trials, then refits): the meter's items are the run's invocations
        int first = invocations.size();
        List<PoolResult<Job, TrainResult>> results = new ArrayList<>(jobs.size());
        // written by the slots, read after close(), which joins them
        try (FunctionPool<Job, TrainResult> pool = TrainCalls.<Job>pool(Math.max(1, size), backoff)
                .progress(progress == null ? (r, c, s) -> { } : progress)
                .build((job, slot, attempt) -> {
                    if (attempt == 1) {
                        start[job.index()] = run.millis();
                    }
                    try (LogContext trainer = LogContext.push(LogContext.FUNCTION, "supervise", LogContext.RUN_ID,
                            run.runId(), LogContext.ALGORITHM, job.algorithm().id(), LogContext.ATTEMPT, attempt)) {
                        var r = invoker.invokeBilled(SupervisorService.TRAIN_FUNCTION, job.request(), TrainResult.class, slot);
                        run.meter().record(SupervisorService.TRAIN_FUNCTION, first + job.index(), r.billing());
                        return r.value();
                    } catch (RuntimeException e) {
                        run.meter().recordFailure(SupervisorService.TRAIN_FUNCTION, first + job.index(), e);
                        throw e;
                    } finally {
                        end[job.index()] = run.millis();
                    }
                })) {
            for (Job j : jobs) {
                // submit() blocks while the pool's queue is full, so this is asked as a slot frees up
                if (!mayStart.test(j)) {
                    break;
                }
                pool.submit(j);
            }
            while (pool.hasNext()) {
                results.add(pool.getNext());
            }
        }
        for (PoolResult<Job, TrainResult> r : results) {
            Job j = r.input();
            invocations.add(new TrainInvocation(j.kind(), j.algorithm().id(), j.config(), j.fold(), r.slot(),
                    start[j.index()], Math.max(start[j.index()], end[j.index()]), r.attempts(), state(r),
                    run.meter().billedMillis(first + j.index())));
            if (r.succeeded() && r.value().workers() != null) {
                invocations.addAll(ForestFanOut.timeline(r.value().workers(), start[j.index()], r.slot(), size));
            }
        }
        return results;
    }

    /** A call's state on the timeline: the trainer's DONE or FAILED, else the pool's (TIMED_OUT, CANCELLED). */
    static String state(PoolResult<?, ?> r) {
        return r.succeeded() ? TrainerState.DONE.name() : r.state() == CallState.FAILED ? TrainerState.FAILED.name()
                : r.state().name();
    }

    /** A finished train call as a result row; a failure is published, as the trainer may have died before it could. */
    static TrainResult row(SuperviseRun run, PoolResult<Job, TrainResult> r, Map<String, Number> params) {
        String alg = r.input().algorithm().id();
        if (r.succeeded()) {
            return r.value();
        }
        String error = error(r);
        try (LogContext trainer = LogContext.push(LogContext.ALGORITHM, alg)) {
            LOG.warnf("trainer failed: %s", error);
        }
        // The trainer may have died before it could publish FAILED (a crash, a timeout on Lambda):
        // publish it here so status never shows a dead trainer as still running.
        try {
            run.board().publish(run.out(), run.runId(), alg, TrainerState.FAILED, 0, "failed", error);
        } catch (CanopyException ignored) {
            // the row below still carries the error
        }
        return TrainResult.failed(alg, params, error);
    }

    /** Why a call failed: the trainer's error, the invocation's, or the pool's state when there is no error. */
    static String error(PoolResult<?, ?> r) {
        if (r.error() == null) {
            return r.state() == CallState.CANCELLED ? "cancelled before it ran" : String.valueOf(r.state());
        }
        return describe(r.error());
    }

    /** A call's error as {@code <ErrorType>: <message>}; a function's own error type when the function failed. */
    static String describe(Throwable e) {
        return e instanceof FunctionInvocationException f ? f.errorType() + ": " + f.errorMessage() : TrainService.describe(e);
    }
}
