package dev.canopy.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.error.InvalidInputException;
import dev.canopy.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StratifiedSplitTest {
    /** One scikit-learn process for the class's tests. */
    @RegisterExtension
    static final ScikitLearnOracle.Python SKLEARN = new ScikitLearnOracle.Python();


    @Test
    void californiaHousingAboveTwoSplitsAsScikitLearn() throws IOException {
        Path csv = SharedData.require("data/california_housing.csv");
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            List<String> lines = Files.readAllLines(csv);
            assertEquals("MedHouseVal", lines.getFirst().substring(lines.getFirst().lastIndexOf(',') + 1));
            String[] y = lines.subList(1, lines.size()).stream()
                    .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)) > 2 ? "true" : "false")
                    .toArray(String[]::new);
            TaskDetector.Detection d = TaskDetector.detect("MedHouseVal > 2", Task.AUTO, y, TaskDetector.DEFAULT_MAX_CLASSES);
            assertEquals(Task.BINARY, d.task());
            int[] codes = d.classes().encode("MedHouseVal > 2", y);
            long[] seeds = {42, 4};
            JsonNode answers = sk.batch(List.of(
                    List.of("california", csv.toAbsolutePath().toString(), "0.2", Long.toString(seeds[0])),
                    List.of("california", csv.toAbsolutePath().toString(), "0.2", Long.toString(seeds[1]))));
            for (int j = 0; j < seeds.length; j++) {
                JsonNode want = answers.get(j);
                assertEquals(want.get("positives").asInt(), Arrays.stream(codes).sum());
                DataSplit got = StratifiedSplit.of(codes, d.classes(), 0.2, seeds[j]);
                assertEquals(4128, got.test().length);
                assertArrayEquals(ScikitLearnOracle.intArray(want.get("test")), got.test(), "test rows, seed " + seeds[j]);
                assertArrayEquals(ScikitLearnOracle.intArray(want.get("train")), got.train(), "training rows, seed " + seeds[j]);
            }
        }
    }

    /** Wine (3 classes, 178 rows) and breast cancer (binary, 569 rows), as python3-sklearn ships them. */
    @Test
    void bundledDataSetsSplitAsScikitLearn() throws IOException {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Path wineCsv = Path.of(sk.run("wine").asText());
            int[] wine = lastColumn(wineCsv);
            int[] cancer = lastColumn(wineCsv.resolveSibling("breast_cancer.csv"));
            assertEquals(178, wine.length);
            assertEquals(569, cancer.length);
            List<int[]> targets = new ArrayList<>();
            List<List<String>> jobs = new ArrayList<>();
            for (int[] y : List.of(wine, cancer)) {
                String labels = sk.ints(y).toString();
                for (double f : new double[]{0.2, 0.3, 0.5}) {
                    for (long seed : new long[]{0, 42, 4294967295L}) {
                        targets.add(y);
                        jobs.add(List.of("split", labels, Double.toString(f), Long.toString(seed)));
                    }
                }
            }
            JsonNode answers = sk.batch(jobs);
            for (int j = 0; j < jobs.size(); j++) {
                double f = Double.parseDouble(jobs.get(j).get(2));
                long seed = Long.parseLong(jobs.get(j).get(3));
                DataSplit got = StratifiedSplit.of(targets.get(j), null, f, seed);
                String what = targets.get(j).length + " rows, f " + f + ", seed " + seed;
                assertArrayEquals(ScikitLearnOracle.intArray(answers.get(j).get("test")), got.test(), "test rows, " + what);
                assertArrayEquals(ScikitLearnOracle.intArray(answers.get(j).get("train")), got.train(), "training rows, " + what);
            }
            assertEquals(36, StratifiedSplit.of(wine, null, 0.2, 42).test().length);
            assertEquals(114, StratifiedSplit.of(cancer, null, 0.2, 42).test().length);
        }
    }

    /** Many small classes with equal remainders, where scikit-learn breaks ties by drawing; text labels. */
    @Test
    void tiesAndTextLabelsSplitAsScikitLearn() {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            Random r = new Random(11);
            List<List<String>> jobs = new ArrayList<>();
            List<String[]> targets = new ArrayList<>();
            for (int trial = 0; trial < 8; trial++) {
                int k = 2 + trial * 2;
                int n = 4 * k + 20 + r.nextInt(60);
                String[] y = new String[n];
                for (int i = 0; i < n; i++) {
                    y[i] = "c" + (i < 2 * k ? i % k : r.nextInt(k)); // every class at least twice
                }
                double f = new double[]{0.25, 0.5, 0.33}[trial % 3];
                targets.add(y);
                jobs.add(List.of("split", sk.lines(Arrays.asList(y)).toString(), Double.toString(f), Integer.toString(r.nextInt(1000))));
            }
            JsonNode answers = sk.batch(jobs);
            for (int trial = 0; trial < jobs.size(); trial++) {
                String[] y = targets.get(trial);
                ClassLabels labels = ClassLabels.ofText(Arrays.asList(y));
                double f = Double.parseDouble(jobs.get(trial).get(2));
                long seed = Long.parseLong(jobs.get(trial).get(3));
                DataSplit got = StratifiedSplit.of(labels.encode("y", y), labels, f, seed);
                String what = "trial " + trial + ": n " + y.length + ", k " + labels.size() + ", f " + f + ", seed " + seed;
                assertArrayEquals(ScikitLearnOracle.intArray(answers.get(trial).get("test")), got.test(), what);
                assertArrayEquals(ScikitLearnOracle.intArray(answers.get(trial).get("train")), got.train(), what);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyClassKeepsItsShareAndEveryRowLandsOnce() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 10 == 0 ? 2 : i % 3 == 0 ? 1 : 0; // 10 % class 2
        }
        DataSplit s = StratifiedSplit.of(y, null, 0.2, 7);
        assertEquals(200, s.test().length);
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 1000).toArray(), all);
        assertEquals(20, Arrays.stream(s.test()).filter(i -> y[i] == 2).count());
        assertArrayEquals(s.test(), StratifiedSplit.of(y, null, 0.2, 7).test());
    }

    @Test
    void aClassOfOneRowIsRefusedByName() {
        ClassLabels labels = ClassLabels.ofText(List.of("cash", "card", "voucher"));
        int[] y = {0, 0, 1, 1, 1, 2, 0, 1};
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> StratifiedSplit.of(y, labels, 0.25, 1));
        assertTrue(e.getMessage().startsWith("stratify=\"voucher\": this class has a single row"), e.getMessage());
        InvalidInputException small = assertThrows(InvalidInputException.class,
                () -> StratifiedSplit.of(new int[]{0, 0, 1, 1, 2, 2}, null, 0.2, 1));
        assertEquals("test_fraction", small.field());
    }

    @Test
    void stratifiedFoldsAreScikitLearnsStratifiedKFold() {
        try (ScikitLearnOracle sk = SKLEARN.require()) {
            int[] wine = lastColumn(Path.of(sk.run("wine").asText()));
            // codes whose first appearance is not their order, and a class smaller than k
            Random r = new Random(5);
            int[] y = new int[257];
            for (int i = 0; i < y.length; i++) {
                y[i] = i < 3 ? 6 : r.nextDouble() < 0.1 ? 3 : r.nextInt(3);
            }
            List<int[]> targets = List.of(wine, wine, y, y);
            int[] ks = {5, 10, 4, 20};
            long[] seeds = {0, 12345, 99, 1};
            List<List<String>> jobs = new ArrayList<>();
            for (int j = 0; j < ks.length; j++) {
                jobs.add(List.of("kfold", sk.ints(targets.get(j)).toString(), Integer.toString(ks[j]), Long.toString(seeds[j])));
            }
            JsonNode answers = sk.batch(jobs);
            for (int j = 0; j < ks.length; j++) {
                check(answers.get(j), targets.get(j), ks[j], seeds[j]);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void check(JsonNode want, int[] y, int k, long seed) {
        StratifiedFolds got = StratifiedFolds.of(y, k, seed);
        List<Integer> seen = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            assertArrayEquals(ScikitLearnOracle.intArray(want.get(f)), got.heldOut(f), "fold " + f + " of " + k + ", seed " + seed);
            int[] kept = got.kept(f);
            assertEquals(y.length, kept.length + got.heldOut(f).length);
            Arrays.stream(got.heldOut(f)).forEach(seen::add);
        }
        assertEquals(y.length, seen.stream().distinct().count(), "every position held out exactly once");
    }

    /** The target of a CSV that python3-sklearn ships (its header line: rows, features, class names). */
    private static int[] lastColumn(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank())
                .mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1).strip())).toArray();
    }
}
