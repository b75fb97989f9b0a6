package dev.canopy.training;

import dev.canopy.error.CanopyException;
import dev.canopy.error.InvalidInputException;
import dev.canopy.invoke.FunctionInvoker;
import dev.canopy.log.LogContext;
import dev.canopy.model.ModelCodec;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.FunctionPool;
import dev.canopy.pool.PoolResult;
import dev.canopy.storage.ObjectStore;
import org.jboss.logging.Logger;
import smile.regression.RandomForest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A random forest past a size, built as the tree of actors one level deeper: its trees are split into
 * shares, the trainer builds share 0 itself and invokes one {@code train} per other share through a
 * {@link FunctionPool}, on the same data version and split, each with its own seed. Each worker saves its
 * share ({@link ModelArtifacts#forestPart}); the trainer reads the shares, merges them into one forest (Smile's
 * {@link RandomForest#merge}, so the saved Smile model and the {@code .trees} are the whole forest) and
 * deletes the parts.
 *
 * <p>A forest is an average of independent trees, so the merged forest is a forest of the same number of
 * trees with other seeds: its MSE equals one trainer's within seed noise (ForestFanOutTest checks it).
 *
 * <p>Retries are the supervisor's rule: the pool retries a call only when the invocation failed around the
 * function; a share that fails fails the forest, with the worker's error.
 */
public final class ForestFanOut {
    private static final Logger LOG = Logger.getLogger(ForestFanOut.class);

    /**
     * When a forest fans out: past {@code treeRowsPerWorker} (training rows × trees) for one invocation, over at
     * most {@code maxWorkers} invocations (the trainer itself included).
     */
    public record Settings(long treeRowsPerWorker, int maxWorkers) {
        /** The defaults of {@code canopy.forest.tree-rows-per-worker} and {@code max-workers}, as CanopyConfig names them. */
        public static final String DEFAULT_TREE_ROWS_PER_WORKER = "30000000";
        public static final String DEFAULT_MAX_WORKERS = "8";
        public static final Settings DEFAULT = new Settings(Long.parseLong(DEFAULT_TREE_ROWS_PER_WORKER),
                Integer.parseInt(DEFAULT_MAX_WORKERS));

        public Settings {
            if (treeRowsPerWorker < 1 || maxWorkers < 1) {
                throw new IllegalArgumentException("canopy.forest.tree-rows-per-worker (" + treeRowsPerWorker
                        + ") and canopy.forest.max-workers (" + maxWorkers + ") must be at least 1");
            }
        }
    }

    /** One worker's share of a forest: {@code trees} trees grown from {@code seed}. */
    public record Share(int index, int workers, int trees, long seed) {
    }

    /** A merged forest and the workers' invocations (milliseconds since the fan-out began). */
    record Merged(RandomForest forest, List<TrainInvocation> workers) {
    }

    private final ObjectStore store;
    private final FunctionInvoker invoker;
    private final Settings settings;
    private final Backoff backoff;

    ForestFanOut(ObjectStore store, FunctionInvoker invoker, Settings settings, Backoff backoff) {
        this.store = store;
        this.invoker = invoker;
        this.settings = settings;
        this.backoff = backoff;
    }

    /**
     * How many invocations build a forest of {@code trees} on {@code rows} rows; 1 means no fan-out. The work
     * is each tree's rows (at most {@code max_samples}) times the trees.
     */
    int workers(long rows, Map<String, Number> params) {
        int trees = params.get("trees").intValue();
        long work = SmileForest.rowsPerTree(params, rows) * trees;
        long w = (work + settings.treeRowsPerWorker() - 1) / settings.treeRowsPerWorker();
        return (int) Math.max(1, Math.min(Math.min(settings.maxWorkers(), trees), w));
    }

    /** {@code trees} split as evenly as they go over {@code workers}, each share with its own seed. */
    static List<Share> shares(int trees, int workers, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Share> out = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            out.add(new Share(i, workers, trees / workers + (i < trees % workers ? 1 : 0), seeds.nextLong()));
        }
        return out;
    }

    static void check(Share s, Algorithm a) {
        if (a != Algorithm.RANDOM_FOREST) {
            throw new InvalidInputException("share", s, "only random_forest fans out, not " + a.id());
        }
        if (s.workers() < 2 || s.index() < 1 || s.index() >= s.workers() || s.trees() < 1) {
            throw new InvalidInputException("share", s,
                    "needs 2 or more workers, an index from 1 to workers - 1 (0 is the trainer's own) and 1 or more trees");
        }
    }

    /** Params of one share: the forest's, with the share's tree count. */
    static Map<String, Object> params(Map<String, Number> forest, Share s) {
        Map<String, Object> p = new LinkedHashMap<>(forest);
        p.put("trees", s.trees());
        return p;
    }

    /**
     * Builds the forest of {@code params} over {@code workers} invocations: share 0 here, the others through
     * the pool. {@code progress} counts the forest's trees: this trainer's as they grow, a worker's when it
     * is done.
     */
    Merged fit(TrainRequest req, String out, Map<String, Number> params, FeatureMatrix trainSet,
               long seed, int workers, ProgressListener progress) {
        int total = params.get("trees").intValue();
        List<Share> shares = shares(total, workers, seed);
        long t0 = System.nanoTime();
        AtomicInteger remoteDone = new AtomicInteger();
        AtomicInteger localDone = new AtomicInteger();
        long[] start = new long[workers];
        long[] end = new long[workers];
        // written by each share's slot, read after close(), which joins the slots
        Long[] billed = new Long[workers];
        Arrays.fill(billed, 0L);
        List<PoolResult<Share, TrainResult>> results = new ArrayList<>();
        RandomForest forest;
        LOG.infof("random_forest: %d trees over %d invocations (this one and %d workers)", total, workers, workers - 1);
        // a worker writes its share: a call without an answer is not made again (the pool of every train call)
        try (FunctionPool<Share, TrainResult> pool = TrainCalls.<Share>pool(workers - 1, backoff)
                .progress((r, done, submitted) -> {
                    if (r.succeeded()) {
                        progress.onProgress(localDone.get() + remoteDone.addAndGet(r.input().trees()), total);
                    }
                })
                .build((share, slot, attempt) -> {
                    if (attempt == 1) {
                        start[share.index()] = millis(t0);
                    }
                    try (LogContext ignored = LogContext.push(LogContext.ATTEMPT, attempt)) {
                        var r = invoker.invokeBilled(SupervisorService.TRAIN_FUNCTION,
                                req.withShare(share, params(params, share)), TrainResult.class, slot);
                        if (r.billing() != null) {
                            billed[share.index()] += r.billing().billedMillis();
                        }
                        return r.value();
                    } finally {
                        end[share.index()] = millis(t0);
                    }
                })) {
            for (Share s : shares.subList(1, workers)) {
                pool.submit(s);
            }
            Share own = shares.getFirst();
            start[0] = millis(t0);
            forest = (RandomForest) SmileTrainer.fit(Algorithm.RANDOM_FOREST, withTrees(params, own.trees()), trainSet,
                    own.seed(), (done, t) -> {
                        localDone.set(done);
                        progress.onProgress(done + remoteDone.get(), total);
                    });
            end[0] = millis(t0);
            while (pool.hasNext()) {
                results.add(pool.getNext());
            }
        }
        List<TrainInvocation> invocations = new ArrayList<>();
        invocations.add(new TrainInvocation("share", Algorithm.RANDOM_FOREST.id(), null, null, 0, start[0], end[0], 1,
                TrainerState.DONE.name()));
        for (PoolResult<Share, TrainResult> r : results) {
            int i = r.input().index();
            invocations.add(new TrainInvocation("worker", Algorithm.RANDOM_FOREST.id(), null, null, i, start[i],
                    Math.max(start[i], end[i]), r.attempts(), TrainCalls.state(r), billed[i] == 0 ? null : billed[i]));
        }
        try {
            for (PoolResult<Share, TrainResult> r : results) {
                if (!r.succeeded()) {
                    throw new WorkerFailed("random_forest worker " + r.input().index() + " of " + workers + " failed: "
                            + error(r));
                }
            }
            for (PoolResult<Share, TrainResult> r : results) {
                String uri = ModelArtifacts.forestPart(out, req.runId(), r.input().index());
                // a tree's levels are levels of the part's object graph: as deep as the trees may grow, and a few more
                Object part = ModelCodec.readDeep(uri, store.read(uri), SmileTrainer.depth(params) + 32);
                if (!(part instanceof RandomForest f) || f.trees().length != r.input().trees()) {
                    throw new WorkerFailed("random_forest worker " + r.input().index() + " saved " + uri
                            + ", which is not its share of " + r.input().trees() + " trees");
                }
                forest = forest.merge(f);
            }
        } finally {
            for (PoolResult<Share, TrainResult> r : results) {
                try {
                    store.delete(ModelArtifacts.forestPart(out, req.runId(), r.input().index()));
                } catch (CanopyException e) {
                    LOG.debugf("share %d left no part to delete: %s", r.input().index(), e.getMessage());
                }
            }
        }
        return new Merged(forest, invocations);
    }

    /**
     * A trainer's fan-out on the run's timeline: its own share on the trainer's slot, worker {@code i} on lane
     * {@code lanes + i - 1}, past the supervisor's slots; times moved to the run's clock.
     */
    static List<TrainInvocation> timeline(List<TrainInvocation> workers, long trainerStart, int trainerSlot, int lanes) {
        List<TrainInvocation> out = new ArrayList<>();
        for (TrainInvocation w : workers) {
            out.add(new TrainInvocation(w.kind(), w.algorithm(), null, null, w.slot() == 0 ? trainerSlot : lanes + w.slot() - 1,
                    trainerStart + w.startMillis(), trainerStart + w.endMillis(), w.attempts(), w.state(), w.billedMillis()));
        }
        return out;
    }

    private static Map<String, Number> withTrees(Map<String, Number> params, int trees) {
        Map<String, Number> p = new LinkedHashMap<>(params);
        p.put("trees", trees);
        return p;
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String error(PoolResult<?, ?> r) {
        Throwable e = r.error();
        if (e == null) {
            return String.valueOf(r.state());
        }
        return TrainCalls.describe(e);
    }

    /** A share of the forest failed: the forest fails, with the worker's error. */
    static final class WorkerFailed extends CanopyException {
        WorkerFailed(String message) {
            super(message, false);
        }
    }
}
