package dev.canopy.serve;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The served functions and their instances, as Lambda scales a function: an invocation takes a free
 * instance (the most recently used, whose caches are warmest) or starts a new one; at most
 * {@code ReservedConcurrentExecutions} instances are busy at once, and an invocation above that is
 * throttled. Instances live until serve stops, or until one times out or dies.
 */
final class Functions implements AutoCloseable {

    /** How a function's instances are started. */
    record Launch(Path taskRoot, String javaBin, List<String> jvmFlags, String runtimeClassPath, Map<String, String> env) {
    }

    final class Pool {
        final FunctionSpec spec;
        private final Launch launch;
        private final Deque<Instance> idle = new ArrayDeque<>();
        private final Set<Instance> all = new HashSet<>();
        private int busy;
        private int started;

        Pool(FunctionSpec spec, Launch launch) {
            this.spec = spec;
            this.launch = launch;
        }

        /**
         * A free instance, or a new one; null when the function's reserved concurrency is used up. The caller
         * must {@link #release} what it got.
         */
        Instance acquire() {
            String id;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("serve is stopping");
                }
                if (spec.reservedConcurrency() != null && busy >= spec.reservedConcurrency()) {
                    return null;
                }
                busy++;
                while (!idle.isEmpty()) {
                    Instance i = idle.pop();
                    if (i.alive()) {
                        return i;
                    }
                    discard(i, true);
                }
                id = spec.name() + "-" + ++started;
            }
            try {
                Instance i = new Instance(id, spec, launch.taskRoot(), launch.javaBin(), launch.jvmFlags(), launch.runtimeClassPath(),
                        launch.env(), echo);
                synchronized (this) {
                    all.add(i);
                    if (closed) {
                        discard(i, true);
                    }
                }
                return i;
            } catch (RuntimeException e) {
                synchronized (this) {
                    busy--;
                }
                throw e;
            }
        }

        /** Gives an instance back: free for the next invocation, or stopped ({@code reuse} false) as Lambda resets it. */
        void release(Instance i, boolean reuse) {
            synchronized (this) {
                busy--;
                if (reuse && !closed && i.alive()) {
                    idle.push(i);
                    return;
                }
                discard(i, true);
            }
        }

        /** Called with the pool's lock held; the (bounded) wait for the process happens on its own thread. */
        private void discard(Instance i, boolean kill) {
            all.remove(i);
            Thread.ofVirtual().start(() -> i.stop(kill));
        }

        private List<Instance> closeAll() {
            synchronized (this) {
                List<Instance> l = List.copyOf(all);
                all.clear();
                idle.clear();
                return l;
            }
        }
    }

    private final Map<String, Pool> byName = new LinkedHashMap<>();
    private final List<Pool> pools;
    private final Consumer<String> echo;
    private volatile boolean closed;

    Functions(List<FunctionSpec> specs, Function<FunctionSpec, Launch> launches, Consumer<String> echo) {
        this.echo = echo;
        this.pools = specs.stream().map(s -> new Pool(s, launches.apply(s))).toList();
        for (Pool p : pools) {
            byName.put(p.spec.name(), p);
            byName.putIfAbsent(p.spec.logicalId(), p);
        }
    }

    /** By deployed name or by the template's logical id; null if neither. */
    Pool find(String name) {
        return byName.get(name);
    }

    /** Stops every instance, asking first and killing after a bounded wait, all at once. */
    @Override
    public void close() {
        closed = true;
        List<Thread> stopping = new java.util.ArrayList<>();
        for (Pool p : pools) {
            for (Instance i : p.closeAll()) {
                stopping.add(Thread.ofVirtual().start(() -> i.stop(false)));
            }
        }
        for (Thread t : stopping) {
            try {
                t.join(java.time.Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
