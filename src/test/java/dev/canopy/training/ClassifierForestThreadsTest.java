package dev.canopy.training;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A classifier forest's fit leaves no thread behind. Smile's {@code IterativeAlgorithmController()} delivers
 * progress on an executor of its own ({@code Executors.newFixedThreadPool(1)}) that its {@code close()} never
 * shuts down: each fit used to leave an idle platform thread parked for the life of the process (a warm trainer
 * on Lambda, {@code serve}), and kept a JVM whose main method had returned from exiting.
 */
class ClassifierForestThreadsTest {

    @Test
    void fittingAForestLeavesNoThreadBehind() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            rows[i] = new double[]{a, b, a + 0.3 * r.nextGaussian() > b ? 1 : 0};
        }
        FeatureMatrix train = FeatureMatrix.ofRows(rows, new String[]{"a", "b", "y"});
        Map<String, Number> params = TrainingParams.resolve(Algorithm.RANDOM_FOREST, Map.of("trees", 5));
        // the fits run in a thread group of their own: every thread they start joins it (pool threads take their
        // creator's group), whatever other tests run meanwhile
        ThreadGroup group = new ThreadGroup("forest-fits");
        Throwable[] failure = new Throwable[1];
        List<Integer> progress = Collections.synchronizedList(new ArrayList<>());
        Thread fits = new Thread(group, () -> {
            try {
                for (int i = 0; i < 3; i++) {
                    ClassifierTrainer.fit(Algorithm.RANDOM_FOREST, params, train, 2, false, 7 + i,
                            (done, total) -> progress.add(done));
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "fits");
        fits.start();
        fits.join();
        assertNull(failure[0], () -> "the fits failed: " + failure[0]);
        Thread[] left = new Thread[group.activeCount() + 8];
        int n = group.enumerate(left);
        List<String> alive = Arrays.stream(left, 0, n).filter(t -> t.isAlive() && !t.isDaemon())
                .map(t -> t.getName() + " (" + t.getState() + ")").toList();
        assertEquals(List.of(), alive, "threads the fits started and left running");
        assertEquals(3, progress.stream().filter(d -> d == 5).count(), "each fit reported its last tree before it returned: "
                + progress);
    }
}
