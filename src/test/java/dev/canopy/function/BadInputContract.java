package dev.canopy.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canopy.json.Json;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * What every function must do with bad input, through the Lambda runtime API as on Lambda: answer with a
 * function error whose type is one of Canopy's and whose message names the field, leave no partial output,
 * and never fail with an unexpected exception. The cases are {@link BadInputs}; a fuzz test adds random
 * mutations of a valid request. Subclasses pick the function (and its profile).
 */
abstract class BadInputContract {
    /** Mutations per function; the fuzz is seeded, so a failure reproduces. */
    static final int FUZZ_CASES = 40;
    private static final AtomicInteger CASE = new AtomicInteger();

    abstract String function();

    /** A request the function accepts. */
    abstract String validRequest();

    @TestFactory
    Stream<DynamicTest> everyBadInputGetsAClearErrorAndLeavesNoOutput() {
        BadInputs.prepare();
        List<BadInputs.Case> cases = BadInputs.of(function());
        assertTrue(cases.size() >= 5, "cases for " + function() + ": " + cases.size());
        return cases.stream().map(c -> dynamicTest(c.name(), () -> {
            Path out = freshOut();
            Response r = send(BadInputs.body(c, out));
            String message = r.jsonPath().getString("errorMessage");
            assertEquals(500, r.statusCode(), c + " must fail: " + r.asString());
            if (c.type().equals(BadInputs.UNPARSEABLE)) {
                assertEquals(BadInputs.UNPARSEABLE, message, c + ": " + r.asString());
            } else {
                assertTrue(message != null && message.startsWith("dev.canopy.error." + c.type() + ": "),
                        c + ": expected " + c.type() + ", got " + r.asString());
                assertTrue(message.contains(c.field()), c + ": the message must name " + c.field() + ": " + message);
            }
            assertEquals(List.of(), BadInputs.partialOutput(out), c + " left partial output");
        }));
    }

    @Test
    void randomMutationsOfAValidRequestSucceedOrFailCleanly() throws IOException {
        BadInputs.prepare();
        long seed = 20261125L ^ function().hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        int succeeded = 0;
        List<String> unclear = new ArrayList<>();
        for (int i = 0; i < FUZZ_CASES; i++) {
            Path out = freshOut();
            String valid = validRequest().replace("${D}", BadInputs.DIR.toString()).replace("${OUT}", out.toString());
            String body = mutate(valid, rnd);
            Response r = send(body);
            if (r.statusCode() == 200) {
                succeeded++;
                continue;
            }
            String message = r.jsonPath().getString("errorMessage");
            // a clean error: one of Canopy's types, with a message; never a bug's NullPointerException or the like
            boolean clean = message != null && (message.matches("(?s)dev\\.canopy\\.error\\.\\w+Exception: .+")
                    || message.equals(BadInputs.UNPARSEABLE) && isTruncated(body));
            if (!clean || !BadInputs.partialOutput(out).isEmpty()) {
                unclear.add("seed " + seed + " case " + i + ": " + body + "\n  -> " + r.asString());
            }
        }
        System.out.printf("fuzz %s: %d mutations (seed %d), %d accepted, %d refused with a clear error, %d unclear%n",
                function(), FUZZ_CASES, seed, succeeded, FUZZ_CASES - succeeded - unclear.size(), unclear.size());
        assertEquals(List.of(), unclear, "mutations that failed without a clear error or left output");
        // the mutations must exercise both paths, or the test proves little
        assertTrue(succeeded < FUZZ_CASES, "no mutation was refused");
    }

    /** Only a truncated body may be refused as unparseable: every other mutation is valid JSON. */
    private static boolean isTruncated(String body) {
        try {
            Json.MAPPER.readTree(body);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private Path freshOut() {
        // target/ outlives a build: the build's own name keeps an earlier build's outputs out of the way
        return BadInputs.DIR.resolve("out").resolve(function() + "-" + BUILD + "-" + CASE.incrementAndGet());
    }

    private static final String BUILD = Long.toString(System.currentTimeMillis(), 36);

    private static Response send(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post();
    }

    private static final List<JsonNode> NASTY = nasty();

    private static List<JsonNode> nasty() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> v = new ArrayList<>(List.of(f.nullNode(), f.textNode(""), f.numberNode(-1), f.numberNode(0),
                f.numberNode(Integer.MAX_VALUE), f.numberNode(Long.MIN_VALUE), f.numberNode(1e308), f.numberNode(-1e-308),
                f.numberNode(new java.math.BigInteger("123456789012345678901234567890")), f.textNode("NaN"),
                f.textNode("-Infinity"), f.booleanNode(true), f.arrayNode(), f.objectNode(), f.textNode("../../../etc/passwd"),
                f.textNode("s3://someone-elses-bucket/x"), f.textNode("rule:"), f.textNode("rule:passenger_count>="),
                f.textNode("\u0000\u202e\ud83d\ude00"), f.textNode("x".repeat(5000)), f.textNode("file:///etc/shadow"),
                f.textNode("https://attacker.invalid/model")));
        ArrayNode list = f.arrayNode();
        list.add("random_forest").add(7).addNull();
        v.add(list);
        return v;
    }

    /** One or two random mutations of a valid request: a dropped, replaced or unknown field, or broken JSON. */
    static String mutate(String valid, SplittableRandom rnd) throws IOException {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(valid);
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            String text = tree.toString();
            return text.substring(0, rnd.nextInt(1, text.length()));
        }
        if (kind == 1) {
            return NASTY.get(rnd.nextInt(NASTY.size())).toString();
        }
        for (int m = 1 + rnd.nextInt(2); m > 0; m--) {
            List<String> fields = new ArrayList<>();
            tree.fieldNames().forEachRemaining(fields::add);
            String field = fields.get(rnd.nextInt(fields.size()));
            switch (rnd.nextInt(4)) {
                case 0 -> tree.remove(field);
                case 1 -> tree.set("unexpected" + rnd.nextInt(100), NASTY.get(rnd.nextInt(NASTY.size())));
                default -> tree.set(field, NASTY.get(rnd.nextInt(NASTY.size())));
            }
        }
        return tree.toString();
    }
}
