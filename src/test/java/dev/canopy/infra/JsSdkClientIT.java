package dev.canopy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.S3ProxyServer;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An independent client, the AWS SDK for JavaScript v3 ({@code @aws-sdk/client-lambda}), invokes each function
 * through {@code serve} with the events of {@code infra/events/}, unchanged: the bucket they name
 * ({@code my-canopy-bucket}) is an S3Proxy holding the objects they read. Each function is named the way a
 * different caller would name it (logical id, deployed name, alias ARN, qualifier).
 */
class JsSdkClientIT {
    static final String BUCKET = "my-canopy-bucket";
    static final Path EVENTS = Path.of("infra", "events").toAbsolutePath();

    @Test
    void everyFunctionAnswersItsEvent(@TempDir Path work) throws Exception {
        NodeHarness node = NodeHarness.require();
        Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY, "AWS_REGION", "us-east-1");
        try (S3ProxyServer s3 = new S3ProxyServer(); S3Client client = TestS3.client(s3)) {
            s3.createBucket(BUCKET);
            // what the events read: the training set and the taxi shard they name
            client.putObject(b -> b.bucket(BUCKET).key("data/california_housing.csv"),
                    RequestBody.fromBytes(TestData.housingCsvBytes(400, 5)));
            long twoPlus = TaxiShards.write(work.resolve("taxi"), new int[]{2_000}, 9).get(0)[1];
            client.putObject(b -> b.bucket(BUCKET).key("taxi/" + TaxiShards.NAME.formatted(0)),
                    RequestBody.fromFile(work.resolve("taxi").resolve(TaxiShards.NAME.formatted(0))));

            JsonNode calls;
            try (ServeProcess serve = new ServeProcess(List.of("--out", work.resolve("out").toString(),
                    "--parameter-overrides", "BucketName=" + BUCKET, "--env", "QUARKUS_S3_ENDPOINT_OVERRIDE=" + s3.endpoint(), "--env", "QUARKUS_S3_PATH_STYLE_ACCESS=true"),
                    credentials)) {
                List<String> args = new ArrayList<>(List.of("--endpoint", serve.endpoint()));
                args.add("SuperviseFunction=" + EVENTS.resolve("supervise.json"));
                args.add("canopy-train=" + EVENTS.resolve("train.json"));
                args.add("arn:aws:lambda:us-east-1:123456789012:function:canopy-status:live=" + EVENTS.resolve("status.json"));
                args.add("canopy-predict:live=" + EVENTS.resolve("predict.json"));
                args.add("BatchPredictFunction=" + EVENTS.resolve("batch-predict.json"));
                calls = node.run("invoke-events.mjs", args, credentials, 900);
            }
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
    }
}
