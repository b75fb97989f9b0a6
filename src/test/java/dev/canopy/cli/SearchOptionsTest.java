package dev.canopy.cli;

import dev.canopy.cli.shared.Tables;
import dev.canopy.error.InvalidInputException;
import dev.canopy.training.RunStatus;
import dev.canopy.training.SearchSpace;
import dev.canopy.training.SearchStatus;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;
import dev.canopy.training.Trial;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train}'s search options as picocli parses them, and the request they make. */
class SearchOptionsTest {

    static SuperviseRequest request(String... args) {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        String[] all = new String[args.length + 3];
        all[0] = "train";
        all[1] = "--data";
        all[2] = "d.csv";
        System.arraycopy(args, 0, all, 3, args.length);
        TrainCommand train = (TrainCommand) cl.parseArgs(all).subcommand().commandSpec().userObject();
        return train.search.apply(train.training.request("r1", train.data.data, "out"));
    }

    @Test
    void theIssuesCommandLineMakesOneSearch() {
        SuperviseRequest req = request("--grid", "random_forest.trees=100,300", "--grid", "gradient_boosting.max_depth=6,8,10",
                "--random", "5", "--range", "gradient_boosting.learning_rate=0.01:0.3:log", "--folds", "5",
                "--max-concurrency", "32", "--seed", "3");
        SearchSpace s = req.search();
        assertEquals(Map.of("random_forest", Map.of("trees", List.of("100", "300")),
                "gradient_boosting", Map.of("max_depth", List.of("6", "8", "10"))), s.grid());
        assertEquals(Map.of("gradient_boosting", Map.of("learning_rate", new SearchSpace.Range(0.01, 0.3, "log"))), s.ranges());
        assertEquals(5, s.samples());
        assertEquals(5, s.folds());
        assertEquals(32, s.maxConcurrency());
        assertEquals(3L, req.seed());
    }

    @Test
    void withoutSearchOptionsTrainIsUnchanged() {
        assertNull(request("--param", "random_forest.trees=10").search());
        assertEquals(new SearchSpace(null, null, null, 3, null), request("--folds", "3").search());
    }

    @Test
    void statusTablesShowASearchsProgress() {
        var best = new Trial(3, "random_forest", Map.of("trees", 100), TrainerState.DONE,
                0.25, null, null, List.of(0.2, 0.3), 0, null, 0);
        var s = new RunStatus("r1", List.of(new TrainerStatus("random_forest",
                TrainerState.INITIALIZED, 0, "searching 4 configurations", "t", null)),
                new SearchStatus("SEARCHING", 12, 6, 2, best, "t"));
        String table = Tables.status(s);
        assertTrue(table.contains("search SEARCHING  trials 6/12  failed 2  best so far: random_forest {trees=100} cv mse 0.2500"),
                table);
        assertTrue(Tables.status(new RunStatus("r1", s.trainers())).lines().noneMatch(l -> l.startsWith("search")));
    }

    @Test
    void badSearchOptionsNameTheOptionAndTheValue() {
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[]{"--grid", "random_forest.trees"}, "--grid=\"random_forest.trees\": expected algorithm.name=v1,v2");
        cases.put(new String[]{"--grid", "trees=1,2"}, "--grid=\"trees=1,2\": expected algorithm.name=");
        cases.put(new String[]{"--grid", "random_forest.trees=1,,2"}, "--grid=\"random_forest.trees=1,,2\": an empty value");
        cases.put(new String[]{"--grid", "random_forest.trees=1", "--grid", "random_forest.trees=2"},
                "--grid=\"random_forest.trees=2\": random_forest.trees given twice");
        cases.put(new String[]{"--random", "3", "--range", "gradient_boosting.learning_rate=0.01"},
                "--range=\"gradient_boosting.learning_rate=0.01\": expected min:max or min:max:log");
        cases.put(new String[]{"--random", "3", "--range", "gradient_boosting.learning_rate=a:b"},
                "--range=\"gradient_boosting.learning_rate=a:b\": min and max must be numbers");
        cases.put(new String[]{"--random", "3", "--range", "gradient_boosting.learning_rate=0.1:0.2:ln"},
                "--range=\"gradient_boosting.learning_rate=0.1:0.2:ln\": the scale must be log or linear");
        cases.put(new String[]{"--random", "0"}, "--random=\"0\": must be at least 1");
        cases.put(new String[]{"--folds", "1"}, "--folds=\"1\": must be between 2 and 20");
        cases.put(new String[]{"--folds", "5", "--max-concurrency", "0"}, "--max-concurrency=\"0\": must be at least 1");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> request(c.getKey()), String.join(" ", c.getKey()));
            assertTrue(e.getMessage().startsWith(c.getValue()), c.getValue() + " <- " + e.getMessage());
        }
        CommandLineTest.Result notANumber = CommandLineTest.run("train", "--data", "d.csv", "--folds", "five");
        assertEquals(2, notANumber.exit());
        assertTrue(notANumber.err().startsWith("canopy: Invalid value for option '--folds': 'five' is not an int"), notANumber.err());
    }
}
