package dev.canopy.cli;

import dev.canopy.cli.bench.BenchPredictCommand;
import dev.canopy.training.SuperviseRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's syntax, parsed by picocli as {@code java -jar canopy-runner.jar} parses it, without
 * Quarkus: help, version, and the usage errors that never reach a command.
 */
class CommandLineTest {

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Every command's path below {@code canopy}, e.g. [bench, cold-start]. */
    private static List<List<String>> commands(CommandLine cl, List<String> path, List<List<String>> into) {
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            into.add(sub);
            commands(e.getValue(), sub, into);
        }
        return into;
    }

    @Test
    void helpOnEveryCommandGoesToStdoutAndExitsZero() {
        List<List<String>> all = commands(CanopyCommand.commandLine(CommandLine.defaultFactory()), List.of(), new ArrayList<>());
        assertTrue(all.size() >= 13, "commands: " + all);
        assertTrue(all.contains(List.of("invoke")) && all.contains(List.of("bench", "cold-start"))
                && all.contains(List.of("generate", "taxi")), "commands: " + all);
        List<List<String>> helps = new ArrayList<>(List.of(List.of()));
        helps.addAll(all.stream().filter(c -> !c.equals(List.of("help"))).toList());
        for (List<String> command : helps) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(command);
                args.add(flag);
                Result r = run(args.toArray(String[]::new));
                String name = String.join(" ", command);
                assertEquals(0, r.exit(), args + ": " + r.err());
                assertEquals("", r.err(), args.toString());
                assertTrue(r.out().startsWith("Usage: canopy" + (name.isEmpty() ? "" : " " + name) + " "), args + ": " + r.out());
            }
        }
        Result help = run("help", "predict");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: canopy predict ") && help.out().contains("--tolerated-failure-percentage"),
                help.out());
    }

    @Test
    void versionIsCanopysOwn() {
        for (String[] args : List.of(new String[]{"--version"}, new String[]{"-V"}, new String[]{"train", "--version"})) {
            Result r = run(args);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().matches("(?s)canopy \\d+\\.\\d+\\.\\d+\\S*\\RJava 25.*"), r.out());
        }
    }

    @Test
    void aCommandThatOnlyGroupsOthersListsThemAsAUsageError() {
        Result bench = run("bench");
        assertEquals(2, bench.exit());
        assertEquals("", bench.out());
        for (String sub : List.of("tree", "predict", "score", "cold-start")) {
            assertTrue(bench.err().contains("\n  " + sub + " "), sub + " missing from: " + bench.err());
        }
        Result none = run();
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("Usage: canopy ") && none.err().contains("invoke"), none.err());
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrorsWithSuggestions() {
        Result command = run("trian", "--data", "x");
        assertEquals(2, command.exit());
        assertEquals("", command.out());
        assertTrue(command.err().startsWith("canopy: Unmatched arguments from index 0: 'trian'"), command.err());
        assertTrue(command.err().contains("Did you mean: canopy train?"), command.err());

        Result option = run("train", "--data", "x", "--jsn");
        assertEquals(2, option.exit());
        assertTrue(option.err().startsWith("canopy: Unknown option: '--jsn'"), option.err());
        assertTrue(option.err().contains("Possible solutions: --json"), option.err());
        assertTrue(option.err().contains("Try 'canopy train --help'"), option.err());

        Result sub = run("bench", "cold", "--repeat", "1");
        assertEquals(2, sub.exit());
        assertTrue(sub.err().contains("Did you mean: bench cold-start"), sub.err());
    }

    @Test
    void aStrayWordIsAnErrorThatNamesIt() {
        Result r = run("train", "--data", "x", "--features", "MedInc", "HouseAge");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("canopy: Unmatched argument at index 5: 'HouseAge'"), r.err());

        Result invoke = run("invoke", "status", "predict", "--payload", "{}");
        assertEquals(2, invoke.exit());
        assertTrue(invoke.err().contains("'predict'"), invoke.err());
    }

    @Test
    void aMissingRequiredOptionIsNamed() {
        Result train = run("train", "--json");
        assertEquals(2, train.exit());
        assertTrue(train.err().startsWith("canopy: Missing required option: '--data=<uri>'"), train.err());

        Result predict = run("predict", "--shards", "d");
        assertEquals(2, predict.exit());
        assertTrue(predict.err().contains("'--model=<uri|rule:EXPR>'"), predict.err());

        Result valueless = run("train", "--data");
        assertEquals(2, valueless.exit());
        assertTrue(valueless.err().contains("Missing required parameter for option '--data'"), valueless.err());

        Result payload = run("invoke", "status");
        assertEquals(2, payload.exit());
        assertTrue(payload.err().contains("--payload=<json> | --payload-file=<file>"), payload.err());

        Result both = run("invoke", "status", "--payload", "{}", "--payload-file", "p.json");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    @Test
    void aMalformedNumberNamesTheOptionAndTheValue() {
        Result r = run("predict", "--model", "rule:passenger_count>=2", "--shards", "d", "--pool-size", "six");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("canopy: Invalid value for option '--pool-size': 'six' is not an int"), r.err());

        Result layout = run("bench", "cold-start", "--layout", "jar");
        assertEquals(2, layout.exit());
        assertTrue(layout.err().contains("'--layout'") && layout.err().contains("'jar'"), layout.err());
    }

    @Test
    void onlyBenchPredictTakesRepeat() {
        Result r = run("predict", "--model", "rule:passenger_count>=2", "--shards", "d", "--repeat", "3");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("canopy: Unknown options: '--repeat', '3'"), r.err());

        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        var parsed = cl.parseArgs("bench", "predict", "--model", "rule:passenger_count>=2", "--shards", "d", "--repeat", "3");
        assertInstanceOf(BenchPredictCommand.class, parsed.subcommand().subcommand().commandSpec().userObject());
        assertEquals(3L, (Long) parsed.subcommand().subcommand().matchedOptionValue("--repeat", 0L));
    }

    @Test
    void listsAreCommaSeparatedAndParametersRepeat() {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        var parsed = cl.parseArgs("train", "--data", "d.csv", "--features", "MedInc, HouseAge", "--algorithms",
                "random_forest,xgboost", "--param", "random_forest.trees=300", "--param", "xgboost.max_depth=4",
                "--seed", "7", "--test-fraction", "0.25");
        TrainCommand train = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        SuperviseRequest req = train.training.request("r1", train.data.data, "out");
        assertEquals(List.of("MedInc", "HouseAge"), req.features());
        assertEquals(List.of("random_forest", "xgboost"), req.algorithms());
        assertEquals(Map.of("random_forest", Map.of("trees", "300"), "xgboost", Map.of("max_depth", "4")), req.params());
        assertEquals(7L, req.seed());
        assertEquals(0.25, req.testFraction());
        assertEquals("d.csv", req.data());
    }

    /** demo takes what its help, the README and the code say: the training options and the shards to score. */
    @Test
    void demoTakesTheTrainingOptionsAndTheShards() {
        CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
        var parsed = cl.parseArgs("demo", "--data", "d.csv", "--shards", "taxi", "--pool-size", "2", "--seed", "1",
                "--algorithms", "decision_tree", "--out", "o", "--run-id", "r", "--json");
        DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();
        assertTrue(demo.shards.given() && demo.json.json);
        assertEquals(2, demo.shards.request("rule:x>1").poolSize());
        assertEquals(List.of("decision_tree"), demo.training.request("r", "d.csv", "o").algorithms());
        Result help = run("demo", "--help");
        for (String option : List.of("--data=", "--shards=", "--shard=", "--pool-size=", "--seed=", "--param=", "--out=", "--json ")) {
            assertTrue(help.out().contains(option), option + " missing from: " + help.out());
        }
        assertFalse(help.out().contains("--repeat"), help.out());
    }
}
