package dev.canopy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictService;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.invoke.local.LocalFunctionInvoker;
import dev.canopy.invoke.local.LocalFunctionInvoker.LocalFunction;
import dev.canopy.json.Json;
import dev.canopy.pool.Backoff;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The train-then-predict workflow over 10,000 shards, executed by aws-local-stepfunctions through the harness:
 * what passes between states stays under Step Functions' 256 KiB, task results included, because batch-predict
 * answers the workflow with a summary and the manifest's URI. The functions are stand-ins behind the Invoke API
 * ({@link InvokeApiStub}; serve's real predictors cannot score 10,000 shards in a test's time): a canned
 * supervise answer, and the real batch-predict orchestrator over an in-memory store whose predictor answers
 * without reading anything.
 */
class WorkflowStateSizeIT {
    static final int STEP_FUNCTIONS_LIMIT = 256 * 1024;

    @Test
    void tenThousandShardsStayUnderTheStateLimit() throws Exception {
        NodeHarness node = NodeHarness.require();
        InMemoryObjectStore store = new InMemoryObjectStore();
        for (int i = 0; i < 10_000; i++) {
            store.put("mem://big/shards/part-%05d.parquet".formatted(i), new byte[]{1});
        }
        // writes its (one-byte) output where it is told, as a predictor does: batch-predict commits it by copy
        Function<PredictRequest, PredictResult> predict = q -> {
            store.put(q.outputUri(), new byte[]{2});
            return new PredictResult(q.shard(), 1_000, 250, "stand-in", false, 1, q.outputUri());
        };
        BatchPredictService batch = new BatchPredictService(store, new LocalFunctionInvoker(Map.of("predict",
                new LocalFunction<>(PredictRequest.class, predict))), new BatchPredictService.Limits(256, 10_000), Backoff.DEFAULT);
        Map<String, Object> supervised = Map.of("runId", "big", "wallMillis", 1, "best", "rule",
                "bestModelUri", "rule:MedInc>=3", "results", List.of(Map.of("algorithm", "rule", "state", "DONE", "modelUri", "rule:MedInc>=3")));
        LocalFunctionInvoker functions = new LocalFunctionInvoker(Map.of(
                "supervise", new LocalFunction<>(Map.class, q -> supervised),
                "batch-predict", new LocalFunction<>(BatchPredictRequest.class, batch::run)));
        JsonNode r;
        try (InvokeApiStub stub = new InvokeApiStub(functions)) {
            r = node.run("run-workflow.mjs", List.of("--definition", WorkflowIT.TRAIN_THEN_PREDICT.toString(),
                    "--endpoint", stub.endpoint(), "--input", Json.writeString(WorkflowIT.input(Map.of("data", "mem://big/data.csv"),
                            "mem://big/shards/", "mem://big/predictions/", 6, 0))), Map.of(), 300);
        }
        System.out.printf("SCENARIO | train -> best -> batch predict over 10,000 shards (stand-in functions) | SUCCEEDED, "
                + "every state < 256 KiB | %s | largest state %d bytes, largest task result %d bytes%n", r.get("status").asText(),
                r.get("maxStateBytes").asInt(), r.get("maxTaskResultBytes").asInt());
        assertEquals("SUCCEEDED", r.get("status").asText(), r.toString());
        assertEquals(10_000, r.get("output").at("/predicted/succeeded").asInt());
        assertTrue(r.get("maxStateBytes").asInt() < STEP_FUNCTIONS_LIMIT, r.get("maxStateBytes") + " bytes in a state");
        assertTrue(r.get("maxTaskResultBytes").asInt() < STEP_FUNCTIONS_LIMIT, r.get("maxTaskResultBytes") + " bytes in a task result");
        // the rows are in the manifest, which could never have passed between states
        byte[] manifest = store.read("mem://big/predictions/_manifest.json");
        assertEquals(10_000, Json.MAPPER.readTree(manifest).get("shards").size());
        assertTrue(manifest.length > STEP_FUNCTIONS_LIMIT, "the manifest is only " + manifest.length + " bytes");
    }
}
