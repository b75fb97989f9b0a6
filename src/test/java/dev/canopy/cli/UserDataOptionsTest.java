package dev.canopy.cli;

import dev.canopy.cli.shared.Tables;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerState;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data options of train (and demo) reach the request, and the run's table says what was left out and missing. */
class UserDataOptionsTest {

    @Test
    void dataOptionsReachTheRequest() {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        var parsed = cl.parseArgs("train", "--data", "d.csv.gz", "--delimiter", "tab", "--missing", "impute",
                "--categorical", "auto", "--max-categories", "12");
        TrainCommand train = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        SuperviseRequest req = train.training.request("r1", train.data.data, "out");
        assertEquals("tab", req.delimiter());
        assertEquals("impute", req.missing());
        assertEquals("auto", req.categorical());
        assertEquals(12, req.maxCategories());
        SuperviseRequest none = ((TrainCommand) cl.parseArgs("train", "--data", "d.csv").subcommand().commandSpec()
                .userObject()).training.request("r", "d.csv", "o");
        assertEquals(null, none.missing(), "the trainer applies the default (error)");
    }

    /** Issue 24, item 6: {@code --exclude a,b} reaches the request as {@code exclude}. */
    @Test
    void excludeReachesTheRequest() {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        TrainCommand train = (TrainCommand) cl.parseArgs("train", "--data", "d.csv", "--exclude", "id, seq")
                .subcommand().commandSpec().userObject();
        assertEquals(List.of("id", "seq"), train.training.request("r1", "d.csv", "out").exclude());
        TrainCommand search = (TrainCommand) cl.parseArgs("train", "--data", "d.csv", "--exclude", "seq", "--overwrite")
                .subcommand().commandSpec().userObject();
        assertEquals(List.of("seq"), search.overwrite.apply(search.training.request("r1", "d.csv", "out")).exclude(),
                "kept when the request is completed");
    }

    @Test
    void aMaxCategoriesThatIsNotANumberIsAUsageError() {
        CommandLineTest.Result r = CommandLineTest.run("train", "--data", "d.csv", "--max-categories", "many");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("canopy: Invalid value for option '--max-categories': 'many' is not an int"), r.err());
    }

    @Test
    void theRunTableNamesFeaturesColumnsLeftOutAndGaps() {
        Map<String, String> leftOut = new LinkedHashMap<>();
        leftOut.put("(unnamed first column)", "the unnamed first column (the index pandas' to_csv() writes) was skipped");
        leftOut.put("notes", "text (row 1 holds \"hello\"); name it in features or set categorical=auto to use it as categories");
        Map<String, Integer> gaps = new LinkedHashMap<>();
        gaps.put("MedInc", 12);
        gaps.put("ocean", 0);
        DatasetSummary d = new DatasetSummary("h.csv", "v1", 100, 70, 18, "MedHouseVal", List.of("MedInc", "ocean"),
                List.of("ocean"), leftOut, "drop", gaps, 12);
        SuperviseResult r = new SuperviseResult("run-1", 1000, d, List.of(new TrainResult("decision_tree",
                TrainerState.DONE, 0.5, 0.7, 0.5, 0.6, 100L, 2048L, "out/run-1/models/decision_tree.trees", Map.of(),
                null, null)), "decision_tree");
        String table = Tables.supervise(r);
        assertTrue(table.contains("features: MedInc, ocean (categorical)\n"), table);
        assertTrue(table.contains("left out: (unnamed first column) (the unnamed first column (the index pandas' to_csv() "
                + "writes) was skipped); notes (text (row 1 holds \"hello\")"), table);
        assertTrue(table.contains("missing values (policy drop): MedInc 12; 12 rows dropped\n"), table);
    }
}
