package dev.canopy.training;

import dev.canopy.error.ConflictException;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.storage.ObjectInfo;
import dev.canopy.storage.ObjectStore;
import dev.canopy.testing.InMemoryObjectStore;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two supervisors claim one run id at once: both list the empty folder before either writes. The claim is a
 * conditional create of the run's request file, so the second one, with a different request, is refused
 * instead of overwriting the first one's run.
 */
class SupervisorClaimRaceTest {
    static final String DATA = "mem://data/housing.csv";
    static final String OUT = "mem://out";

    /** A store whose listing of the run's folder is always empty: the window between list and write. */
    record RacingStore(InMemoryObjectStore inner) implements ObjectStore {
        public byte[] read(String uri) { return inner.read(uri); }
        public byte[] read(String uri, String v) { return inner.read(uri, v); }
        public byte[] readRange(String uri, long o, int n) { return inner.readRange(uri, o, n); }
        public byte[] readRange(String uri, long o, int n, String v) { return inner.readRange(uri, o, n, v); }
        public Suffix readSuffix(String uri, int n) { return inner.readSuffix(uri, n); }
        public void write(String uri, byte[] d, String t) { inner.write(uri, d, t); }
        public boolean writeIfAbsent(String uri, byte[] d, String t) { return inner.writeIfAbsent(uri, d, t); }
        public void delete(String uri) { inner.delete(uri); }
        public ObjectInfo head(String uri) { return inner.head(uri); }
        public List<ObjectInfo> list(String prefix) {
            return prefix.equals(OUT + "/r1/") ? List.of() : inner.list(prefix);
        }
    }

    @Test
    void theSecondOfTwoRacingClaimsWithADifferentRequestIsRefused() {
        InMemoryObjectStore mem = new InMemoryObjectStore();
        mem.put(DATA, TestData.housingCsvBytes(300, 5));
        ObjectStore store = new RacingStore(mem);
        TrainService trainer = new TrainService(store, Clock.systemUTC(), OUT);
        AtomicInteger trainCalls = new AtomicInteger();
        SupervisorService supervisor = new SupervisorService(store, new LocalFunctionInvoker(Map.of("train",
                new LocalFunction<>(TrainRequest.class, (TrainRequest r) -> {
                    trainCalls.incrementAndGet();
                    return trainer.train(r);
                }))), Clock.systemUTC(), OUT);
        supervisor.supervise(request(7L));
        byte[] first = mem.read(OUT + "/r1/request.json");
        trainCalls.set(0);
        ConflictException e = assertThrows(ConflictException.class, () -> supervisor.supervise(request(8L)));
        assertTrue(e.getMessage().contains("was just claimed") && e.getMessage().contains("seed: 7 → 8"), e.getMessage());
        assertEquals(0, trainCalls.get(), "the loser trains nothing");
        assertEquals(new String(first), new String(mem.read(OUT + "/r1/request.json")), "the winner's claim stands");
        // the same request may share its run id, as before
        supervisor.supervise(request(7L));
    }

    static SuperviseRequest request(long seed) {
        return new SuperviseRequest("r1", DATA, null, null, List.of("decision_tree"), 0.2, seed, null, null, null, null,
                null, null, null, null, null);
    }
}
