package dev.canopy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.data.DatasetParts;
import dev.canopy.inference.ShardOutputs;
import dev.canopy.json.Json;
import dev.canopy.sample.RegressionParts;
import dev.canopy.sample.TaxiShards;
import dev.canopy.serve.InvocationRecords;
import dev.canopy.testing.S3ProxyServer;
import dev.canopy.testing.SharedData;
import dev.canopy.testing.TestData;
import dev.canopy.testing.TestJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.canopy.testing.DuckDb.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both Step Functions workflows, executed by aws-local-stepfunctions (an ASL interpreter Canopy's authors did
 * not write) through the harness of {@code infra/local}, against the real functions: {@code serve} runs
 * target/function.zip with the template's settings, the functions reading and writing S3 (an S3Proxy) and
 * calling each other through serve in {@code lambda} mode. Predict's reserved concurrency is 1 in this
 * serve, so concurrent shard calls are throttled as Lambda would throttle them.
 *
 * <p>Each scenario asserts the execution's final status and output, and prints a "scenario | expected | got"
 * line. The same serve also answers an independent client, the AWS SDK for JavaScript, sending each function its
 * event from {@code infra/events/}, and the packaged command line in lambda mode ({@link CommandLineInLambdaMode}).
 */
class WorkflowIT {
    /** The bucket the events of {@code infra/events/} name. */
    static final String BUCKET = "my-canopy-bucket";
    static final Path TRAIN_THEN_PREDICT = Path.of("infra/statemachine/train-then-predict.asl.json").toAbsolutePath();
    static final Path EVENTS = Path.of("infra", "events").toAbsolutePath();
    static final Path DISTRIBUTED = Path.of("infra/statemachine/predict-shards-distributed.asl.json").toAbsolutePath();
    /** The Distributed Map's Retry: MaxAttempts retries after the first call. */
    static final int PREDICT_CALLS_AT_MOST = 1 + 5;
    static final Map<String, Object> SMALL_MODELS = Map.of("random_forest", Map.of("trees", 20),
            "gradient_boosting", Map.of("trees", 30));

    @TempDir
    static Path work;
    static S3ProxyServer s3;
    static S3Client client;
    static ServeProcess serve;
    /** One Node for every execution of the class (NodeHarness.Workflows). */
    static NodeHarness.Workflows workflows;
    static Path invocationLog;
    static Map<String, String> credentials;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        s3.createBucket(BUCKET);
        client = TestS3.client(s3);
        String csv = TestData.housingCsv(600, 11);
        put("data/housing.csv", csv.getBytes(StandardCharsets.UTF_8));
        List<byte[]> shards = HousingShards.fromCsv(csv, "MedHouseVal", 3);
        for (int i = 0; i < shards.size(); i++) {
            put("shards/gen/part-%05d.parquet".formatted(i), shards.get(i));
        }
        // a listing holds more than shards: an earlier run's manifest (the folder marker is in listing())
        put("shards/gen/_manifest.json", "{\"shards\": []}".getBytes(StandardCharsets.UTF_8));
        put("shards/bad/part-00000.parquet", shards.get(0));
        put("shards/bad/part-00001.parquet", "not a parquet file".getBytes(StandardCharsets.UTF_8));
        credentials = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", "us-east-1");
        invocationLog = work.resolve("invocations.jsonl");
        serve = new ServeProcess(List.of("--out", work.resolve("out").toString(),
                "--parameter-overrides", "BucketName=" + BUCKET,
                "--invocation-log", invocationLog.toString(),
                "--reserved-concurrency", "PredictFunction=1",
                // the command line's folder of parts and taxi shards (CommandLineInLambdaMode); the shared 2-core
                // machine can take over a minute to start three trainer JVMs at once (the default is 60 s)
                "--allow", work.toString(), "--init-timeout", "300",
                "--env", "QUARKUS_S3_ENDPOINT_OVERRIDE=" + s3.endpoint(),
                "--env", "QUARKUS_S3_PATH_STYLE_ACCESS=true"), credentials);
        if (NodeHarness.available()) {
            // without Node each workflow test is skipped (fails under CI=true) by NodeHarness.require()
            workflows = NodeHarness.require().workflows(credentials);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (S3ProxyServer ignored = s3; S3Client ignored2 = client; NodeHarness.Workflows ignored3 = workflows) {
            if (serve != null) {
                serve.close();
            }
        }
    }

    @Test
    void trainPickTheBestAndPredictOnGeneratedData() throws Exception {
        // any batch-predict field in the input's prediction request reaches batch-predict: here ids and a CSV copy
        JsonNode r = trainThenPredict("generated", "s3://" + BUCKET + "/data/housing.csv", null, "shards/gen/",
                "predictions/gen/", 0, Map.of("keepColumns", List.of("HouseAge"), "outputFormat", "csv"));
        row("train -> best -> batch predict, generated housing data", "SUCCEEDED, 3 shards, 600 rows", r);
        assertSucceeded(r);
        JsonNode out = r.get("output");
        assertTrue(out.at("/trained/result/best").isTextual(), out.toString());
        assertPredicted(out.get("predicted"), 3, 600, "predictions/gen/");
        JsonNode manifest = Json.MAPPER.readTree(get("predictions/gen/" + ShardOutputs.MANIFEST));
        assertEquals("[\"HouseAge\"]", manifest.get("keepColumns").toString(), manifest.toString());
        for (JsonNode row : manifest.get("shards")) {
            String csv = ShardOutputs.csvCopyUri(row.get("outputUri").asText());
            assertTrue(exists(csv.substring(("s3://" + BUCKET + "/").length())), csv + " was not written");
        }
    }

    /** The real California housing data (20,640 rows), and housing-feature shards made from it. */
    @Test
    void trainPickTheBestAndPredictOnCaliforniaHousing() throws Exception {
        String csv = Files.readString(SharedData.require("data/california_housing.csv"));
        put("real/california_housing.csv", csv.getBytes(StandardCharsets.UTF_8));
        List<byte[]> shards = HousingShards.fromCsv(csv, "MedHouseVal", 4);
        for (int i = 0; i < shards.size(); i++) {
            put("real/shards/housing-%05d.parquet".formatted(i), shards.get(i));
        }
        JsonNode r = trainThenPredict("california", "s3://" + BUCKET + "/real/california_housing.csv", null,
                "real/shards/", "real/predictions/", 0);
        row("train -> best -> batch predict, California housing (20,640 rows)", "SUCCEEDED, 4 shards, 20640 rows", r);
        assertSucceeded(r);
        JsonNode best = r.get("output").at("/trained/result/results/0");
        System.out.printf("California housing: best %s, test MSE %.4f; %d rows scored%n", best.get("algorithm").asText(),
                best.get("mse").asDouble(), r.get("output").at("/predicted/rows").asLong());
        assertEquals("DONE", best.get("state").asText(), best.toString());
        assertTrue(best.get("mse").asDouble() < 0.4, "the best model's test MSE on California housing: " + best);
        assertPredicted(r.get("output").get("predicted"), 4, 20_640, "real/predictions/");
    }

    /**
     * Issue 25: a classification through the same workflow. The generated housing data with the derived binary
     * target {@code MedHouseVal > 2}: supervise ranks the models by log loss, and the workflow scores with the
     * model the answer names (bestModelUri), read from batch-predict's own payload in serve's invocation log.
     */
    @Test
    void trainAClassificationPickTheBestByItsMetricAndPredict() throws Exception {
        put("data/housing-binary.csv", binaryTarget(TestData.housingCsv(600, 11)).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("runId", "wf-binary");
        training.put("data", "s3://" + BUCKET + "/data/housing-binary.csv");
        training.put("target", "expensive");
        training.put("params", SMALL_MODELS);
        training.put("seed", 42);
        training.put("out", "s3://" + BUCKET + "/runs");
        String base = "s3://" + BUCKET + "/";
        JsonNode r = workflows().run(List.of("--definition", TRAIN_THEN_PREDICT.toString(),
                "--endpoint", serve.endpoint(), "--name", "binary", "--input", Json.writeString(input(training,
                        base + "shards/gen/", base + "predictions/binary/", 1, 0))), 600);
        // the supervise answer as stored (the execution's output holds it only when every state succeeded)
        JsonNode answer = Json.MAPPER.readTree(get("runs/wf-binary/result.json"));
        assertEquals("binary", answer.at("/dataset/task").asText(), answer.toString());
        assertEquals("log_loss", answer.get("rankedBy").asText(), answer.toString());
        List<Double> losses = new ArrayList<>();
        answer.get("results").forEach(t -> losses.add(t.at("/classification/logLoss").asDouble()));
        assertEquals(3, losses.size(), answer.toString());
        assertEquals(losses.stream().sorted().toList(), losses, "ranked by log loss");
        String best = answer.get("bestModelUri").asText();
        assertEquals(answer.at("/results/0/modelUri").asText(), best);
        assertEquals(List.of(best), batchPredictModels("binary"), "batch-predict got the best model");
        row("train a binary classification -> best by log loss -> batch predict", "bestModelUri to batch-predict", r);
        String cause = r.path("cause").asText("");
        System.out.printf("binary classification: best %s, log loss %.4f; workflow %s %s %s%n", answer.get("best").asText(),
                losses.getFirst(), r.get("status").asText(), r.path("error").asText(""),
                cause.substring(0, Math.min(300, cause.length())));
        assertEquals("SUCCEEDED", r.get("status").asText(), r.toString());
        assertPredicted(r.get("output").get("predicted"), 3, 600, "predictions/binary/");
    }

    /**
     * Issue 25: a multi-class classifier through the Distributed Map workflow. Canopy trains it through serve
     * (supervise, one gradient boosting) on the generated housing data with a text target of three classes,
     * {@code band} (low, mid, high: MedHouseVal's terciles), and the workflow scores the three shards of the same
     * rows with it. What a user relies on, read back by DuckDB from the outputs: one SUCCEEDED result per shard,
     * each output as many rows as its shard, the columns {@code prediction} (a label of the model's) and one
     * {@code p_<label>} per class in the model's class order, probabilities in [0, 1] summing to 1 per row, the
     * prediction the most probable class ({@link ClassifierOutputs}), and every value what {@code canopy predict}
     * run locally gives. The workflow's input is a regression's ({@code modelUri} only): its states read no field
     * that only some models have.
     */
    @Test
    void theDistributedMapScoresShardsWithAMulticlassClassifier() throws Exception {
        long t0 = System.nanoTime();
        put("data/housing-multiclass.csv", multiclassTarget(TestData.housingCsv(600, 11)).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("runId", "wf-multiclass");
        training.put("data", "s3://" + BUCKET + "/data/housing-multiclass.csv");
        training.put("target", "band");
        training.put("algorithms", List.of("gradient_boosting"));
        training.put("params", Map.of("gradient_boosting", Map.of("trees", 20)));
        training.put("seed", 42);
        training.put("out", "s3://" + BUCKET + "/runs");
        JsonNode answer = invoke("canopy-supervise", training);
        assertEquals("multiclass", answer.at("/dataset/task").asText(), answer.toString());
        assertEquals("DONE", answer.at("/results/0/state").asText(), answer.toString());
        String model = answer.get("bestModelUri").asText();
        String modelKey = model.substring(("s3://" + BUCKET + "/").length());
        String metadataKey = modelKey.substring(0, modelKey.lastIndexOf('.')) + ".json";
        List<String> labels = new ArrayList<>();
        Json.MAPPER.readTree(get(metadataKey)).get("classes").forEach(c -> labels.add(c.asText()));
        assertEquals(List.of("high", "low", "mid"), labels, "the classes in their class-code order (text: code-point order)");

        List<Map<String, Object>> listing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            listing.add(item("shards/gen/part-%05d.parquet".formatted(i)));
        }
        long t1 = System.nanoTime();
        JsonNode r = distributed("multiclass", listing, model, "predictions/multiclass/", 1, 0);
        long t2 = System.nanoTime();
        row("Distributed Map, 3 shards, a multi-class classifier trained through serve",
                "SUCCEEDED, 3 SUCCEEDED, prediction + p_<label>, as predict locally", r);
        assertSucceeded(r);
        Map<String, List<JsonNode>> results = resultFiles(r);
        assertEquals(List.of(), results.get("FAILED"));
        assertEquals(3, results.get("SUCCEEDED").size(), results.toString());
        Set<String> resultShards = new HashSet<>();
        for (JsonNode result : results.get("SUCCEEDED")) {
            resultShards.add(Json.MAPPER.readTree(result.get("Output").asText()).get("shard").asText());
        }
        assertEquals(listing.stream().map(i -> "s3://" + BUCKET + "/" + i.get("Key")).collect(Collectors.toSet()), resultShards,
                "one result for each shard");

        // the same shards and model scored by canopy predict on this machine (local functions, local files)
        Path local = Files.createDirectories(work.resolve("multiclass-local"));
        Path shards = Files.createDirectories(local.resolve("shards"));
        Path mapped = Files.createDirectories(local.resolve("map"));
        Path localModel = local.resolve(modelKey.substring(modelKey.lastIndexOf('/') + 1));
        Files.write(localModel, get(modelKey));
        Files.write(local.resolve(metadataKey.substring(metadataKey.lastIndexOf('/') + 1)), get(metadataKey));
        for (Map<String, Object> item : listing) {
            String key = (String) item.get("Key");
            Files.write(shards.resolve(key.substring(key.lastIndexOf('/') + 1)), get(key));
        }
        Path predicted = local.resolve("predicted");
        List<String> command = TestJvm.java("-jar", ServeProcess.JAR.toString(), "predict", "--model", localModel.toString(),
                "--shards", shards.toString(), "--out", predicted.toString(), "--json");
        Process cli = new ProcessBuilder(command).redirectError(local.resolve("predict.err").toFile())
                .redirectOutput(local.resolve("predict.out").toFile()).start();
        assertTrue(cli.waitFor(120, TimeUnit.SECONDS), "canopy predict did not end");
        assertEquals(0, cli.exitValue(), Files.readString(local.resolve("predict.err")));
        Map<String, String> scoredLocally = new HashMap<>();
        for (JsonNode s : Json.MAPPER.readTree(local.resolve("predict.out").toFile()).get("shards")) {
            assertEquals("SUCCEEDED", s.get("state").asText(), s.toString());
            scoredLocally.put(Path.of(s.get("shard").asText()).getFileName().toString(), s.get("outputUri").asText());
        }
        assertEquals(3, scoredLocally.size(), scoredLocally.toString());
        long t3 = System.nanoTime();

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            for (JsonNode result : results.get("SUCCEEDED")) {
                JsonNode row = Json.MAPPER.readTree(result.get("Output").asText());
                assertEquals("SUCCEEDED", row.get("state").asText(), row.toString());
                String shard = row.get("shard").asText();
                String name = shard.substring(shard.lastIndexOf('/') + 1);
                String outputUri = row.get("outputUri").asText();
                assertEquals(ShardOutputs.outputUri("s3://" + BUCKET + "/predictions/multiclass/", shard), outputUri);
                Path out = mapped.resolve(name);
                Files.write(out, get(outputUri.substring(("s3://" + BUCKET + "/").length())));
                long rows = ClassifierOutputs.check(duck, name, shards.resolve(name), out, labels);
                assertEquals(rows, row.get("rows").asLong(), row.toString());
                ClassifierOutputs.assertSame(duck, name, out, Path.of(scoredLocally.get(name)), labels);
            }
            String spread = one(duck, "SELECT string_agg(prediction || ' ' || n, ', ' ORDER BY prediction) FROM (SELECT prediction, "
                    + "count(*) AS n FROM read_parquet('" + mapped + "/*.parquet') GROUP BY prediction)");
            System.out.printf("multi-class classification: best %s, log loss %.4f; predictions %s; seconds: supervise %.1f, "
                            + "workflow %.1f, canopy predict %.1f, checks %.1f%n", answer.get("best").asText(),
                    answer.at("/results/0/classification/logLoss").asDouble(), spread, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
            assertEquals(3, spread.split(", ").length, "every class is predicted for some row: " + spread);
        }
    }

    /** {@code csv} with its MedHouseVal column replaced by {@code band}: low, mid or high, MedHouseVal's terciles. */
    static String multiclassTarget(String csv) {
        String[] lines = csv.strip().split("\r?\n");
        int col = Arrays.asList(lines[0].split(",")).indexOf("MedHouseVal");
        double[] values = new double[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            values[i - 1] = Double.parseDouble(lines[i].split(",")[col]);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double low = sorted[sorted.length / 3];
        double high = sorted[2 * sorted.length / 3];
        StringBuilder b = new StringBuilder(lines[0].replace("MedHouseVal", "band")).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            cells[col] = values[i - 1] < low ? "low" : values[i - 1] < high ? "mid" : "high";
            b.append(String.join(",", cells)).append('\n');
        }
        return b.toString();
    }

    /**
     * A synchronous invocation of {@code function} through serve's Invoke API by the AWS SDK for Java (serve
     * wants a signed request), without retries; fails the test on a function error.
     */
    private static JsonNode invoke(String function, Object payload) throws Exception {
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create(serve.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY,
                        S3ProxyServer.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(10)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            InvokeResponse response = lambda.invoke(b -> b.functionName(function)
                    .payload(SdkBytes.fromUtf8String(Json.writeString(payload))));
            String body = response.payload().asUtf8String();
            assertEquals(null, response.functionError(), body);
            return Json.MAPPER.readTree(body);
        }
    }

    /** {@code csv} with its MedHouseVal column replaced by {@code expensive}: 1 where MedHouseVal > 2, else 0. */
    static String binaryTarget(String csv) {
        String[] lines = csv.strip().split("\r?\n");
        int col = Arrays.asList(lines[0].split(",")).indexOf("MedHouseVal");
        StringBuilder b = new StringBuilder(lines[0].replace("MedHouseVal", "expensive")).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            cells[col] = Double.parseDouble(cells[col]) > 2 ? "1" : "0";
            b.append(String.join(",", cells)).append('\n');
        }
        return b.toString();
    }

    /** The modelUri of every batch-predict call of the execution named {@code name}, from serve's invocation log. */
    private static List<String> batchPredictModels(String name) throws Exception {
        List<String> models = new ArrayList<>();
        for (JsonNode record : InvocationRecords.read(invocationLog)) {
            if (!"end".equals(record.path("event").asText()) || !record.path("function").asText().endsWith("batch-predict")
                    || !record.hasNonNull("payload")) {
                continue;
            }
            JsonNode payload = Json.MAPPER.readTree(record.get("payload").asText());
            if (payload.path("outputPrefix").asText().endsWith("/predictions/" + name + "/")) {
                models.add(payload.path("modelUri").asText());
            }
        }
        return models;
    }

    @Test
    void aDataErrorIsFoundOnceBySuperviseAndIsTrainingFailed() throws Exception {
        JsonNode r = trainThenPredict("nomodel", "s3://" + BUCKET + "/data/housing.csv", "NoSuchColumn", "shards/gen/",
                "predictions/nomodel/", 0);
        row("a target column that does not exist (found once, before any trainer)", "FAILED Canopy.TrainingFailed", r);
        assertEquals("FAILED", r.get("status").asText(), r.toString());
        assertEquals("Canopy.TrainingFailed", r.get("error").asText(), r.toString());
        String cause = r.get("cause").asText();
        assertTrue(cause.contains("InvalidInputException") && cause.contains("NoSuchColumn"), r.toString());
        // the supervisor refused the data itself: no batch prediction was attempted
        assertTrue(r.get("invocations").findValuesAsText("state").stream().noneMatch("BatchPredict"::equals), r.toString());
    }

    /** A failing supervisor is Canopy.TrainingFailed, and the cause is its own error (Lambda's error payload). */
    @Test
    void aFailingSupervisorIsTrainingFailedWithItsCause() throws Exception {
        JsonNode r = trainThenPredict("nodata", "s3://" + BUCKET + "/data/missing.csv", null, "shards/gen/",
                "predictions/nodata/", 0);
        row("supervise fails (the training data does not exist)", "FAILED Canopy.TrainingFailed, cause names the error", r);
        assertEquals("FAILED", r.get("status").asText(), r.toString());
        assertEquals("Canopy.TrainingFailed", r.get("error").asText(), r.toString());
        assertTrue(r.get("cause").asText().contains("ObjectNotFoundException"), r.toString());
    }

    @Test
    void shardsFailingPastTheToleranceAreToleranceExceeded() throws Exception {
        JsonNode r = trainThenPredict("tolerance", "s3://" + BUCKET + "/data/housing.csv", null, "shards/bad/",
                "predictions/bad/", 0);
        row("train -> best -> batch predict, 1 of 2 shards corrupt, tolerance 0%", "FAILED Canopy.ToleranceExceeded", r);
        assertEquals("FAILED", r.get("status").asText(), r.toString());
        assertEquals("Canopy.ToleranceExceeded", r.get("error").asText(), r.toString());

        List<Map<String, Object>> listing = List.of(item("shards/bad/part-00000.parquet"), item("shards/bad/part-00001.parquet"));
        JsonNode strict = distributed("tolerance-0", listing, "predictions/bad-map/", 1, 0);
        row("Distributed Map, 1 of 2 shards corrupt, tolerance 0%", "FAILED Canopy.ToleranceExceeded", strict);
        assertEquals("FAILED", strict.get("status").asText(), strict.toString());
        assertEquals("Canopy.ToleranceExceeded", strict.get("error").asText(), strict.toString());

        JsonNode lenient = distributed("tolerance-50", listing, "predictions/bad-map-50/", 1, 50);
        row("Distributed Map, 1 of 2 shards corrupt, tolerance 50%", "SUCCEEDED, 1 SUCCEEDED + 1 FAILED result", lenient);
        assertSucceeded(lenient);
        Map<String, List<JsonNode>> results = resultFiles(lenient);
        assertEquals(1, results.get("SUCCEEDED").size(), results.toString());
        assertEquals(1, results.get("FAILED").size(), results.toString());
        // Step Functions names a function error by the errorType Lambda reports, which the template's handler
        // (dev.canopy.function.LambdaHandler) makes the function's own exception class, not Funqy's wrapper
        JsonNode failed = results.get("FAILED").get(0);
        JsonNode cause = Json.MAPPER.readTree(failed.get("Cause").asText());
        assertEquals("dev.canopy.error.InvalidInputException", failed.get("Error").asText(), failed.toString());
        assertEquals("dev.canopy.error.InvalidInputException", cause.get("errorType").asText(), failed.toString());
        assertTrue(cause.get("errorMessage").asText().startsWith("shard="), failed.toString());
    }

    /**
     * Three shards at once against a predictor whose reserved concurrency is 1: serve throttles (429) the calls
     * that find its one instance busy (the first call holds it for a cold start), and the workflow's Retry, the
     * only layer that retries here, gets every shard through, each in at most 1 + MaxAttempts calls.
     */
    @Test
    void aThrottledCallIsRetriedByTheWorkflow() throws Exception {
        List<Map<String, Object>> listing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            listing.add(item("shards/gen/part-%05d.parquet".formatted(i)));
        }
        JsonNode r = distributed("throttled", listing, "predictions/throttled/", 3, 0);
        row("Distributed Map, 3 shards at once, predict reserved concurrency 1", "SUCCEEDED after Lambda.TooManyRequestsException retries", r);
        assertSucceeded(r);
        List<String> errors = r.get("invocations").findValuesAsText("error");
        assertTrue(errors.contains("Lambda.TooManyRequestsException"), "no call was throttled: " + r);
        assertTrue(r.get("retries").size() >= 1, r.toString());
        assertEquals(3, resultFiles(r).get("SUCCEEDED").size());

        Map<String, Integer> calls = predictCallsPerShard();
        for (Map<String, Object> item : listing) {
            String shard = "s3://" + BUCKET + "/" + item.get("Key");
            int n = calls.getOrDefault(shard + "|throttled", 0);
            System.out.printf("calls to predict for %s under throttling: %d%n", shard, n);
            assertTrue(n >= 1 && n <= PREDICT_CALLS_AT_MOST, shard + " was called " + n + " times");
        }
    }

    /**
     * The Distributed Map's processor over a listing that holds shards, an earlier run's {@code _manifest.json}
     * and a folder marker: the shards are scored into the names batch-predict uses, the rest SKIPPED, and the
     * ResultWriter's manifest lists one row for each.
     */
    @Test
    void theDistributedMapScoresShardsAndSkipsTheRest() throws Exception {
        List<Map<String, Object>> listing = new ArrayList<>();
        listing.add(Map.of("Key", "shards/gen/", "Size", 0));
        for (int i = 0; i < 3; i++) {
            listing.add(item("shards/gen/part-%05d.parquet".formatted(i)));
        }
        listing.add(item("shards/gen/_manifest.json"));
        JsonNode r = distributed("listing", listing, "predictions/map/", 1, 0);
        row("Distributed Map over 3 shards + _manifest.json + folder marker", "SUCCEEDED, 3 SUCCEEDED + 2 SKIPPED rows", r);
        assertSucceeded(r);
        String manifestUri = r.get("output").at("/result/manifestUri").asText();
        assertTrue(manifestUri.startsWith("s3://" + BUCKET + "/predictions/map/_map/") && manifestUri.endsWith("/manifest.json"),
                r.toString());
        Map<String, List<JsonNode>> results = resultFiles(r);
        assertEquals(5, results.get("SUCCEEDED").size(), results.toString());
        assertEquals(List.of(), results.get("FAILED"));
        long skipped = 0;
        for (JsonNode result : results.get("SUCCEEDED")) {
            JsonNode row = Json.MAPPER.readTree(result.get("Output").asText());
            String shard = row.get("shard").asText();
            if (shard.endsWith(".parquet")) {
                assertEquals("SUCCEEDED", row.get("state").asText(), row.toString());
                String expected = ShardOutputs.outputUri("s3://" + BUCKET + "/predictions/map/", shard);
                assertEquals(expected, row.get("outputUri").asText(), "the name batch-predict would write");
                assertTrue(exists(expected.substring(("s3://" + BUCKET + "/").length())), expected + " was not written");
                assertEquals(200, row.get("rows").asLong());
            } else {
                assertEquals("SKIPPED", row.get("state").asText(), row.toString());
                skipped++;
            }
        }
        assertEquals(2, skipped);
    }

    // ---- helpers

    private static JsonNode trainThenPredict(String name, String data, String target, String shardPrefix, String outputPrefix,
                                             double tolerated) throws Exception {
        return trainThenPredict(name, data, target, shardPrefix, outputPrefix, tolerated, Map.of());
    }

    private static JsonNode trainThenPredict(String name, String data, String target, String shardPrefix, String outputPrefix,
                                             double tolerated, Map<String, Object> predictionFields) throws Exception {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", data);
        if (target != null) {
            training.put("target", target);
        }
        training.put("params", SMALL_MODELS);
        training.put("seed", 42);
        String base = "s3://" + BUCKET + "/";
        return workflows().run(List.of("--definition", TRAIN_THEN_PREDICT.toString(), "--endpoint", serve.endpoint(),
                "--name", name, "--input", Json.writeString(input(training, base + shardPrefix, base + outputPrefix, 1, tolerated,
                        predictionFields))),
                600);
    }

    static Map<String, Object> input(Map<String, Object> training, String shardPrefix, String outputPrefix, int poolSize,
                                             double tolerated) {
        return input(training, shardPrefix, outputPrefix, poolSize, tolerated, Map.of());
    }

    static Map<String, Object> input(Map<String, Object> training, String shardPrefix, String outputPrefix, int poolSize,
                                     double tolerated, Map<String, Object> more) {
        Map<String, Object> prediction = new LinkedHashMap<>(Map.of("shardPrefix", shardPrefix, "outputPrefix", outputPrefix,
                "poolSize", poolSize, "toleratedFailurePercentage", tolerated));
        prediction.putAll(more);
        return Map.of("training", training, "prediction", prediction);
    }

    private static JsonNode distributed(String name, List<Map<String, Object>> listing, String outputPrefix, int poolSize,
                                        double tolerated) throws Exception {
        return distributed(name, listing, "rule:MedInc>=3", outputPrefix, poolSize, tolerated);
    }

    private static JsonNode distributed(String name, List<Map<String, Object>> listing, String modelUri, String outputPrefix,
                                        int poolSize, double tolerated) throws Exception {
        Path items = work.resolve(name + "-items.json");
        Files.writeString(items, Json.writeString(listing));
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("bucket", BUCKET);
        in.put("shardPrefix", "shards/");
        in.put("modelUri", modelUri);
        in.put("outputPrefix", "s3://" + BUCKET + "/" + outputPrefix);
        in.put("resultPrefix", outputPrefix + "_map/");
        in.put("poolSize", poolSize);
        in.put("toleratedFailurePercentage", tolerated);
        return workflows().run(List.of("--definition", DISTRIBUTED.toString(), "--endpoint", serve.endpoint(),
                "--s3-endpoint", s3.endpoint(), "--items", items.toString(), "--name", name, "--input", Json.writeString(in)),
                300);
    }

    /** An S3 ListObjectsV2 entry, as the ItemReader would give it. */
    private static Map<String, Object> item(String key) {
        var head = client.headObject(b -> b.bucket(BUCKET).key(key));
        return Map.of("Key", key, "Size", head.contentLength(), "ETag", head.eTag(),
                "LastModified", head.lastModified().toString(), "StorageClass", "STANDARD");
    }

    /** The ResultWriter's files of a Distributed Map run, by status: each entry one child execution. */
    private static Map<String, List<JsonNode>> resultFiles(JsonNode run) throws Exception {
        String uri = run.get("output").at("/result/manifestUri").asText();
        String prefix = "s3://" + BUCKET + "/";
        assertTrue(uri.startsWith(prefix), run.toString());
        JsonNode manifest = Json.MAPPER.readTree(get(uri.substring(prefix.length())));
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (String status : List.of("SUCCEEDED", "FAILED")) {
            List<JsonNode> rows = new ArrayList<>();
            for (JsonNode file : manifest.at("/ResultFiles/" + status)) {
                Json.MAPPER.readTree(get(file.get("Key").asText())).forEach(rows::add);
            }
            out.put(status, rows);
        }
        return out;
    }

    /** serve's invocation log: predict calls per "shard|runId", throttled ones included. */
    private static Map<String, Integer> predictCallsPerShard() throws Exception {
        Map<String, Integer> calls = new HashMap<>();
        for (JsonNode record : InvocationRecords.read(invocationLog)) {
            if (!"end".equals(record.path("event").asText()) || !record.path("function").asText().endsWith("predict")
                    || record.path("function").asText().endsWith("batch-predict") || !record.hasNonNull("payload")) {
                continue;
            }
            JsonNode payload = Json.MAPPER.readTree(record.get("payload").asText());
            calls.merge(payload.path("shard").asText() + "|" + payload.path("runId").asText(), 1, Integer::sum);
        }
        return calls;
    }

    /**
     * An independent client, the AWS SDK for JavaScript v3 ({@code @aws-sdk/client-lambda}), invokes each function
     * through this serve with the events of {@code infra/events/}, unchanged: the bucket they name is this
     * S3Proxy's, holding the objects they read. Each function is named the way a different caller would name it
     * (logical id, deployed name, alias ARN, qualifier).
     */
    @Test
    void theAwsSdkForJavaScriptInvokesEveryFunctionWithItsEvent() throws Exception {
        NodeHarness node = NodeHarness.require();
        // what the events read: the training set and the taxi shard they name
        put("data/california_housing.csv", TestData.housingCsvBytes(400, 5));
        long twoPlus = TaxiShards.write(work.resolve("taxi"), new int[]{2_000}, 9).get(0)[1];
        put("taxi/" + TaxiShards.NAME.formatted(0), Files.readAllBytes(work.resolve("taxi").resolve(TaxiShards.NAME.formatted(0))));

        List<String> args = new ArrayList<>(List.of("--endpoint", serve.endpoint()));
        args.add("SuperviseFunction=" + EVENTS.resolve("supervise.json"));
        args.add("canopy-train=" + EVENTS.resolve("train.json"));
        args.add("arn:aws:lambda:us-east-1:123456789012:function:canopy-status:live=" + EVENTS.resolve("status.json"));
        args.add("canopy-predict:live=" + EVENTS.resolve("predict.json"));
        args.add("BatchPredictFunction=" + EVENTS.resolve("batch-predict.json"));
        JsonNode calls = node.run("invoke-events.mjs", args, credentials, 900);
        for (JsonNode call : calls) {
            System.out.printf("JS SDK | %s | %s | %s%n", call.get("function").asText(), call.path("statusCode").asText(),
                    call.has("error") ? call.get("error").asText() : call.path("functionError").asText("ok"));
            assertEquals(200, call.path("statusCode").asInt(), call.toString());
            assertTrue(call.path("functionError").isMissingNode() || call.get("functionError").isNull(), call.toString());
            assertTrue(call.path("logTail").asText().strip().lines().reduce((a, b) -> b).orElse("").startsWith("REPORT"),
                    "the log tail ends with a REPORT line: " + call.path("logTail").asText());
        }
        JsonNode supervise = calls.get(0).get("payload");
        assertEquals(3, supervise.get("results").size(), supervise.toString());
        assertTrue(supervise.get("best").isTextual(), supervise.toString());

        JsonNode train = calls.get(1).get("payload");
        assertEquals("DONE", train.get("state").asText(), train.toString());
        assertEquals("gradient_boosting", train.get("algorithm").asText());

        JsonNode status = calls.get(2).get("payload");
        assertEquals("manual-1", status.get("runId").asText());
        assertEquals("DONE", status.at("/trainers/0/state").asText(), status.toString());

        JsonNode predict = calls.get(3).get("payload");
        assertEquals(2_000, predict.get("rows").asLong());
        assertEquals(twoPlus, (long) predict.get("scoreSum").asDouble());
        assertTrue(predict.path("outputUri").isNull() || predict.path("outputUri").isMissingNode(), "the event asks for no output");

        JsonNode batch = calls.get(4).get("payload");
        assertEquals(1, batch.get("succeeded").asInt(), batch.toString());
        assertEquals(twoPlus, (long) batch.get("scoreSum").asDouble());
        assertEquals("s3://my-canopy-bucket/predictions/taxi/_manifest.json", batch.get("manifestUri").asText());
    }

    /** The class's Node (skipped, or failed under CI=true, where the harness is missing). */
    private static NodeHarness.Workflows workflows() {
        NodeHarness.require();
        return workflows;
    }

    private static void assertSucceeded(JsonNode r) {
        assertEquals("SUCCEEDED", r.get("status").asText(), () -> r + "\nserve's last lines:\n" + serve.lastLines());
    }

    private static void assertPredicted(JsonNode predicted, int shards, long rows, String outputPrefix) throws Exception {
        assertEquals(shards, predicted.get("succeeded").asInt(), predicted.toString());
        assertEquals(0, predicted.get("failed").asInt(), predicted.toString());
        assertEquals(rows, predicted.get("rows").asLong(), predicted.toString());
        assertFalse(predicted.get("toleranceExceeded").asBoolean());
        String manifestUri = predicted.get("manifestUri").asText();
        assertEquals("s3://" + BUCKET + "/" + outputPrefix + ShardOutputs.MANIFEST, manifestUri);
        JsonNode manifest = Json.MAPPER.readTree(get(outputPrefix + ShardOutputs.MANIFEST));
        assertEquals(shards, manifest.get("shards").size());
        for (JsonNode row : manifest.get("shards")) {
            String expected = ShardOutputs.outputUri("s3://" + BUCKET + "/" + outputPrefix, row.get("shard").asText());
            assertEquals(expected, row.get("outputUri").asText());
            assertTrue(exists(expected.substring(("s3://" + BUCKET + "/").length())), expected + " was not written");
        }
    }

    private static void row(String scenario, String expected, JsonNode r) {
        String got = "SUCCEEDED".equals(r.path("status").asText()) ? "SUCCEEDED" : r.path("status").asText() + " "
                + r.path("error").asText();
        System.out.printf("SCENARIO | %s | %s | %s | retries %d%n", scenario, expected, got, r.path("retries").size());
    }

    /**
     * The production wiring over HTTP: the packaged command line in {@code canopy.invoke.mode=lambda} with
     * {@code canopy.invoke.endpoint} at serve invokes supervise and batch-predict there; they, running in serve's
     * instances with the template's {@code CANOPY_INVOKE_MODE=lambda}, reach train and predict through serve
     * again. Every hop is the AWS SDK for Java's Lambda client configured by {@code CanopyBeans}. The training data
     * is a folder of Parquet parts: supervise pins the parts' version and each trainer (its own JVM, heap sized as
     * Lambda's java25 runtime sizes it) lists, reads and checks them. The workflows' serve, whose cold instances
     * these reuse: its records are told apart by run id and by folder.
     */
    @Nested
    class CommandLineInLambdaMode {
        private static final int MAX_ATTEMPTS = 3;

        @Test
        void aFolderOfPartsTrainsWithTheSupervisorReachingEveryTrainerThroughServe() throws Exception {
            Path dir = Files.createDirectories(work.resolve("lambda-mode-train"));
            Path parts = dir.resolve("trips");
            RegressionParts.write(parts, 12_000, 4, 3);
            Files.writeString(parts.resolve("_SUCCESS"), "");
            String runId = "lambda-mode-1";
            int code = serve.cli(dir, "train", "train", "--data", parts.toString(), "--target", RegressionParts.TARGET,
                    "--categorical", "auto", "--out", dir.resolve("runs").toString(), "--run-id", runId,
                    "--param", "random_forest.trees=10", "--param", "gradient_boosting.trees=10", "--json");
            assertEquals(0, code, Files.readString(dir.resolve("train.err")));
            JsonNode r = Json.MAPPER.readTree(Files.readString(dir.resolve("train.out")));
            assertEquals(3, r.get("results").size(), r.toString());
            r.get("results").forEach(x -> assertEquals("DONE", x.get("state").asText(), x + "\n" + serve.lastLines()));
            JsonNode d = r.get("dataset");
            assertEquals(12_000, d.get("rows").asInt(), d.toString());
            assertEquals(4, d.get("parts").size(), d.toString());
            assertTrue(d.get("version").asText().startsWith(DatasetParts.PARTS_VERSION + "4:"), d.toString());

            List<JsonNode> supervise = ends("canopy-supervise", n -> runId.equals(n.path("runId").asText()));
            assertEquals(1, supervise.size(), supervise.toString());
            assertEquals("Success", supervise.getFirst().get("outcome").asText());
            List<JsonNode> trains = ends("canopy-train", n -> runId.equals(n.path("runId").asText()));
            assertEquals(Set.of("random_forest", "decision_tree", "gradient_boosting"), trains.stream()
                    .filter(n -> n.get("outcome").asText().equals("Success"))
                    .map(n -> payload(n).get("algorithm").asText()).collect(Collectors.toSet()), trains.toString());
        }

        /**
         * Retries that do not multiply: with predict throttled (its reserved concurrency, 1, below the pool's 4), no
         * shard may be called more than maxAttempts times in all, counting every call serve received for it
         * (throttled ones included).
         */
        @Test
        void underThrottlingNoShardIsCalledMoreThanMaxAttemptsTimes() throws Exception {
            Path dir = Files.createDirectories(work.resolve("lambda-mode-predict"));
            Path taxi = dir.resolve("taxi");
            int[] rows = new int[8];
            Arrays.fill(rows, 2000);
            TaxiShards.write(taxi, rows, 11);
            Path predictions = dir.resolve("predictions");
            int code = serve.cli(dir, "predict", "predict", "--model", "rule:passenger_count>=2", "--shards", taxi.toString(),
                    "--pool-size", "4", "--max-attempts", String.valueOf(MAX_ATTEMPTS), "--out", predictions.toString(),
                    "--json");
            String err = Files.readString(dir.resolve("predict.err"));
            assertTrue(code == 0 || code == 1, "exit " + code + ": " + err);
            JsonNode result = Json.MAPPER.readTree(Files.readString(dir.resolve("predict.out")));
            assertEquals(8, result.get("shards").size(), result.toString());
            assertEquals(1, ends("canopy-batch-predict", n -> n.path("outputPrefix").asText().equals(predictions.toString()))
                    .size());

            List<JsonNode> calls = ends("canopy-predict", n -> n.path("shard").asText().startsWith(taxi.toString()));
            Map<String, Long> perShard = new TreeMap<>(calls.stream().collect(Collectors.groupingBy(
                    n -> Path.of(payload(n).get("shard").asText()).getFileName().toString(), Collectors.counting())));
            Map<String, Long> throttledPerShard = new TreeMap<>(calls.stream().filter(n -> n.get("status").asInt() == 429)
                    .collect(Collectors.groupingBy(n -> Path.of(payload(n).get("shard").asText()).getFileName().toString(),
                            Collectors.counting())));
            Map<String, Integer> attemptsReported = new TreeMap<>();
            result.get("shards").forEach(x -> attemptsReported.put(Path.of(x.get("shard").asText()).getFileName().toString(),
                    x.get("attempts").asInt()));
            System.out.println("serve: predict calls per shard " + perShard + ", throttled (429) " + throttledPerShard
                    + ", attempts reported by batch-predict " + attemptsReported + ", succeeded " + result.get("succeeded")
                    + " of 8");

            assertEquals(8, perShard.size(), "every shard was called: " + perShard);
            assertTrue(calls.stream().anyMatch(n -> n.get("status").asInt() == 429),
                    "predict was throttled (reserved concurrency 1 < pool 4): " + perShard);
            perShard.forEach((shard, n) -> assertTrue(n <= MAX_ATTEMPTS, shard + " was called " + n + " times, more than "
                    + "maxAttempts " + MAX_ATTEMPTS + ": " + perShard));
        }

        /** serve's "end" records of {@code function} whose payload {@code matches}. */
        private static List<JsonNode> ends(String function, Predicate<JsonNode> matches) throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode n : InvocationRecords.read(invocationLog)) {
                if ("end".equals(n.path("event").asText()) && function.equals(n.path("function").asText())
                        && n.hasNonNull("payload") && matches.test(payload(n))) {
                    out.add(n);
                }
            }
            return out;
        }

        private static JsonNode payload(JsonNode record) {
            try {
                return Json.MAPPER.readTree(record.get("payload").asText());
            } catch (Exception e) {
                throw new AssertionError("unreadable payload in " + record, e);
            }
        }
    }

    private static void put(String key, byte[] data) {
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
    }

    private static byte[] get(String key) {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    private static boolean exists(String key) {
        try {
            client.headObject(b -> b.bucket(BUCKET).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        }
    }
}
