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
 * {@code ReservedConcurrentExecutions} instances of a function are busy at once, at most the account's
 * concurrency over all functions, and the live instances' memory (each its {@code MemorySize}) never exceeds
 * the machine's: a new instance first stops idle ones, and is refused when that is not enough. An
 * invocation above any of these is throttled ({@link Throttled}). Instances live until serve stops, until
 * one times out or dies, or until its memory is needed.
 */
final class Functions implements AutoCloseable {

    /** Why an invocation cannot have an instance now: Lambda's 429 reason and a message. */
    static final class Throttled extends RuntimeException {
        final String reason;

        Throttled(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

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
            synchronized (Functions.this) {
                if (closed) {
                    throw new IllegalStateException("serve is stopping");
                }
                if (spec.reservedConcurrency() != null && busy >= spec.reservedConcurrency()) {
                    return null;
                }
                if (accountBusy >= accountConcurrency) {
                    throw new Throttled("ConcurrentInvocationLimitExceeded", "Rate Exceeded: the account's concurrency "
                            + accountConcurrency + " is in use");
                }
                while (!idle.isEmpty()) {
                    Instance i = idle.pop();
                    if (i.alive()) {
                        busy++;
                        accountBusy++;
                        return i;
                    }
                    discard(i, true);
                }
                if (!makeRoom(spec.memoryMb())) {
                    throw new Throttled("ConcurrentInvocationLimitExceeded", "Rate Exceeded: a new instance of "
                            + spec.name() + " (" + spec.memoryMb() + " MB) does not fit in the " + memoryMb
                            + " MB serve may use; " + liveMb + " MB are held by busy instances");
                }
                busy++;
                accountBusy++;
                liveMb += spec.memoryMb();
                id = spec.name() + "-" + ++started;
            }
            try {
                Instance i = starter.start(id, spec, launch);
                synchronized (Functions.this) {
                    all.add(i);
                    if (closed) {
                        discard(i, true);
                    }
                }
                return i;
            } catch (RuntimeException e) {
                synchronized (Functions.this) {
                    busy--;
                    accountBusy--;
                    liveMb -= spec.memoryMb();
                }
                throw e;
            }
        }

        /** Gives an instance back: free for the next invocation, or stopped ({@code reuse} false) as Lambda resets it. */
        void release(Instance i, boolean reuse) {
            synchronized (Functions.this) {
                busy--;
                accountBusy--;
                if (reuse && !closed && i.alive()) {
                    idle.push(i);
                    return;
                }
                discard(i, true);
            }
        }

        /** Called with the lock held; the (bounded) wait for the process happens on its own thread. */
        private void discard(Instance i, boolean kill) {
            if (all.remove(i)) {
                liveMb -= spec.memoryMb();
            }
            Thread.ofVirtual().start(() -> i.stop(kill));
        }

        int instances() {
            synchronized (Functions.this) {
                return all.size();
            }
        }

        private List<Instance> closeAll() {
            synchronized (Functions.this) {
                List<Instance> l = List.copyOf(all);
                all.clear();
                idle.clear();
                return l;
            }
        }
    }

    /** Starts an instance; tests replace the JVM. */
    interface Starter {
        Instance start(String id, FunctionSpec spec, Launch launch);
    }

    private final Map<String, Pool> byName = new LinkedHashMap<>();
    private final List<Pool> pools;
    private final Consumer<String> echo;
    private final Starter starter;
    private final int accountConcurrency;
    private final long memoryMb;
    // guarded by this
    private int accountBusy;
    private long liveMb;
    private volatile boolean closed;

    Functions(List<FunctionSpec> specs, Function<FunctionSpec, Launch> launches, Consumer<String> echo) {
        this(specs, launches, echo, 1000, machineMemoryMb(), null);
    }

    /**
     * @param accountConcurrency instances busy at once over all functions
     * @param memoryMb           the memory all live instances together may have
     * @param starter            null: a JVM per instance
     */
    Functions(List<FunctionSpec> specs, Function<FunctionSpec, Launch> launches, Consumer<String> echo,
              int accountConcurrency, long memoryMb, Starter starter) {
        this.echo = echo;
        this.accountConcurrency = accountConcurrency;
        this.memoryMb = memoryMb;
        this.starter = starter != null ? starter : (id, spec, l) -> new Instance(id, spec, l.taskRoot(), l.javaBin(),
                l.jvmFlags(), l.runtimeClassPath(), l.env(), this.echo);
        this.pools = specs.stream().map(s -> new Pool(s, launches.apply(s))).toList();
        for (Pool p : pools) {
            byName.put(p.spec.name(), p);
            byName.putIfAbsent(p.spec.logicalId(), p);
        }
    }

    /** The machine's physical memory in MB, less serve's own heap: what the instances may have together. */
    static long machineMemoryMb() {
        long total = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        return Math.max(0, (total - Runtime.getRuntime().maxMemory()) / (1024 * 1024));
    }

    /**
     * Stops idle instances, least recently used first, until {@code mb} more fit; false, stopping none, when
     * even all idle instances would not make room. Called with the lock held.
     */
    private boolean makeRoom(int mb) {
        if (liveMb + mb <= memoryMb) {
            return true;
        }
        long idleMb = 0;
        for (Pool p : pools) {
            idleMb += (long) p.idle.size() * p.spec.memoryMb();
        }
        if (liveMb - idleMb + mb > memoryMb) {
            return false;
        }
        while (liveMb + mb > memoryMb) {
            Pool victim = null;
            for (Pool p : pools) {
                if (!p.idle.isEmpty() && (victim == null || p.spec.memoryMb() > victim.spec.memoryMb())) {
                    victim = p;
                }
            }
            victim.discard(victim.idle.removeLast(), true); // the least recently used of the largest
        }
        return true;
    }

    /** Instances busy now over all functions. */
    synchronized int busy() {
        return accountBusy;
    }

    /** MB held by live instances. */
    synchronized long liveMb() {
        return liveMb;
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
