package dev.canopy.cli;

import dev.canopy.cli.shared.Tables;
import dev.canopy.training.ClassificationMetrics;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 25: the task options of train reach the request, and a classification's table says its task first. */
class ClassificationOptionsTest {

    @Test
    void taskOptionsReachTheRequestAndSurviveSearchAndOverwrite() {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        TrainCommand train = (TrainCommand) cl.parseArgs("train", "--data", "d.csv", "--task", "binary", "--max-classes",
                "5", "--class-weight", "balanced", "--stratify", "--metric", "roc_auc", "--folds", "3", "--overwrite")
                .subcommand().commandSpec().userObject();
        SuperviseRequest req = train.overwrite.apply(train.search.apply(train.training.request("r1", "d.csv", "out")));
        assertEquals("binary", req.task());
        assertEquals(5, req.maxClasses());
        assertEquals("balanced", req.classWeight());
        assertEquals(Boolean.TRUE, req.stratify());
        assertEquals("roc_auc", req.metric());
        assertEquals(3, req.search().folds(), "the search kept");
        assertEquals(Boolean.TRUE, req.overwrite());

        SuperviseRequest none = ((TrainCommand) cl.parseArgs("train", "--data", "d.csv").subcommand().commandSpec()
                .userObject()).training.request("r", "d.csv", "o");
        assertNull(none.task(), "the supervisor applies the defaults (auto)");
        assertNull(none.stratify());
    }

    @Test
    void helpListsTheTaskOptions() {
        CommandLineTest.Result r = CommandLineTest.run("train", "--help");
        assertEquals(0, r.exit());
        for (String option : List.of("--task", "--max-classes", "--class-weight", "--stratify", "--metric")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
    }

    @Test
    void aClassificationTableSaysItsTaskFirstAndShowsItsMetrics() {
        DatasetSummary d = new DatasetSummary("d.csv", "v1", 400, 300, 100, "churn", List.of("x1", "x2"), null, null,
                null, null, null, null, null, "binary", "task binary (auto): target churn holds only 0 and 1", null,
                List.of("0", "1"));
        ClassificationMetrics good = new ClassificationMetrics(0.21, 0.93, 0.91, 0.92, 0.97, 0.95, new int[][]{{60, 3}, {4, 33}});
        ClassificationMetrics worse = new ClassificationMetrics(0.35, 0.88, 0.86, 0.87, 0.93, 0.90, new int[][]{{58, 5}, {7, 30}});
        TrainResult a = new TrainResult("gradient_boosting", TrainerState.DONE, null, null, null, null, 1200L, 50_000L,
                "out/r/models/gradient_boosting.xgboost.json", Map.of(), null, null, null, null, good, null);
        TrainResult b = new TrainResult("decision_tree", TrainerState.DONE, null, null, null, null, 300L, 8_000L,
                "out/r/models/decision_tree.model", Map.of(), null, null, null, null, worse, null);
        String table = Tables.supervise(new SuperviseResult("r", 2000, d, List.of(a, b), "gradient_boosting"));
        List<String> lines = table.lines().toList();
        assertEquals("task binary (auto): target churn holds only 0 and 1", lines.getFirst());
        String header = lines.stream().filter(l -> l.startsWith("rank")).findFirst().orElseThrow();
        assertTrue(header.contains("log loss") && header.contains("accuracy") && header.contains("roc auc")
                && !header.contains("mse"), header);
        assertTrue(table.contains("1    gradient_boosting  DONE     0.2100   0.9300   0.9100   0.9200   0.9700   0.9500"), table);
    }
}
