package dev.canopy.cli;

import dev.canopy.cli.shared.Tables;
import dev.canopy.config.CanopyConfig;
import dev.canopy.cost.CostReport;
import dev.canopy.cost.PriceTable;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictService;
import dev.canopy.inference.ShardResult;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.pool.Backoff;
import dev.canopy.pool.CallState;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.SuperviseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cost block under the batch and supervise tables. */
class CostTablesTest {
    static final CostReport.FunctionCost TRAIN = new CostReport.FunctionCost("train", 12, 3456, 3008, 10.152, 0.00017160);

    @Test
    void oneFunctionOneLineWithItsMemoryThenTheOrchestratorsEstimate() {
        CostReport c = new CostReport(12, 3456, 10.152, 0.00017160, "x86_64", CostReport.MEASURED, List.of(TRAIN), 0,
                new CostReport.FunctionCost("supervise", 1, 2000, 512, 1.0, 0.0000168667));
        assertEquals("""
                cost: 12 invocations · 3,456 billed ms · 10.2 GB-s at 3008 MB · $0.000172 (x86_64, measured locally)
                  plus the supervise orchestrator itself, estimated from its wall time: 2,000 ms at 512 MB · 1.000 GB-s · $0.000017 (total $0.000188)
                """, Tables.cost(c));
        assertEquals("", Tables.cost(null), "a result without a cost report prints none");
    }

    @Test
    void aResumedBatchSaysFromWhereAndHowManyShardsItCarried() {
        var carried = new ShardResult(0, "s0", CallState.SUCCEEDED, 10L, 3.0, 1, "i",
                true, 5, "o0", null, 5L, "batch-1");
        var ran = new ShardResult(1, "s1", CallState.SUCCEEDED, 10L, 3.0, 1, "i",
                true, 5, "o1", null, 5L, null);
        var r = new BatchPredictResult("batch-2", "rule:x>=1", 1, List.of(carried, ran), 20, 6.0, 2, 0,
                2, 1, 10, false, "out/_manifest.json", null, null, "out/_manifest.json");
        assertTrue(Tables.batch(r).contains("resumed from out/_manifest.json: 1 shard(s) carried over from earlier runs"),
                Tables.batch(r));
        var fresh = new BatchPredictResult("batch-2", "rule:x>=1", 1, List.of(ran), 10, 3.0, 1, 0,
                1, 1, 10, false, null, null);
        assertTrue(!Tables.batch(fresh).contains("resumed"), Tables.batch(fresh));
    }

    @Test
    void severalRowsAreListedAndUnmeteredCallsAreSaid() {
        CostReport c = new CostReport(5, 460, 0.9, 0.0000160, "arm64", CostReport.LAMBDA, List.of(
                new CostReport.FunctionCost("predict", 4, 160, 1769, 0.3, 0.000005), new CostReport.FunctionCost("predict", 1, 300, 2048, 0.6, 0.000008)),
                1, null);
        String s = Tables.cost(c);
        assertTrue(s.startsWith("cost: 5 invocations · 460 billed ms · 0.900 GB-s · $0.000016 (arm64, billed durations from "
                + "Lambda's REPORT lines)\n"), s);
        assertTrue(s.contains("  predict               4 invocations           160 billed ms at  1769 MB         0.300 GB-s  $0.000005\n"), s);
        assertTrue(s.contains("  predict               1 invocations           300 billed ms at  2048 MB         0.600 GB-s  $0.000008\n"), s);
        assertTrue(s.contains("1 of the invocations got no answer"), s);
        assertEquals(4, s.lines().count());
    }

    @Test
    void theSuperviseTableEndsWithItsCost() {
        CostReport c = new CostReport(1, 10, 0.03, 0.000001, "x86_64", CostReport.MEASURED,
                List.of(new CostReport.FunctionCost("train", 1, 10, 3008, 0.03, 0.000001)), 0, null);
        SuperviseResult r = new SuperviseResult("r", 5, new DatasetSummary("d.csv", "v", 10, 8, 2, "y", List.of("x")),
                List.of(), null, null, null, c);
        String table = Tables.supervise(r);
        assertTrue(table.endsWith(Tables.cost(c)), table);
    }

    @Test
    void predictPrintsTheCostOfItsBatchUnderItsTable(@TempDir Path dir) throws Exception {
        int[] sizes = {120, 80, 150};
        TaxiShards.write(dir, sizes, 3);
        LocalObjectStore store = new LocalObjectStore();
        // the one-machine wiring in small: batch-predict calls predict, both in-process
        BatchPredictService batch = new BatchPredictService(store, new LocalFunctionInvoker(Map.of(), Map.of("predict", slot ->
                new LocalFunction<>(PredictRequest.class, new PredictService(store, new ModelCache(1 << 20), "i")::predict))),
                new BatchPredictService.Limits(8, 100), Backoff.NONE, PriceTable.DEFAULT,
                dir.resolve("out").toString()); // as the wiring passes canopy.output-uri: nothing in ./canopy-out
        LocalFunctionInvoker invoker = new LocalFunctionInvoker(Map.of("batch-predict",
                new LocalFunction<>(BatchPredictRequest.class, batch::run)));
        CommandLine cl = CanopyCommand.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = CommandLine.defaultFactory().create(cls);
                if (k instanceof PredictCommand p) {
                    p.invoker = invoker;
                    p.store = store;
                    p.config = new io.smallrye.config.SmallRyeConfigBuilder().withMapping(CanopyConfig.class)
                            .withDefaultValue("canopy.output-uri", dir.resolve("out").toString()).build()
                            .getConfigMapping(CanopyConfig.class);
                }
                return k;
            }
        });
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute("predict", "--model", "rule:passenger_count>=2", "--shards", dir.toString(), "--pool-size", "2");
        assertEquals(0, exit, out.toString());
        String text = out.toString();
        Matcher m = Pattern.compile("(?m)^cost: 3 invocations · ([\\d,]+) billed ms · [\\d.]+ GB-s at 1769 MB · \\$0\\.\\d{6} "
                + "\\(x86_64, measured locally\\)$").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(text.indexOf("cost: ") > text.indexOf("rows "), "under the table: " + text);
        assertTrue(text.contains("plus the batch-predict orchestrator itself"), text);
    }
}
