package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code batch-predict}: the bad-input table's cases and a bounded fuzz, through the Lambda runtime API. */
@QuarkusTest
@TestProfile(FunctionProfiles.BatchPredict.class)
class BatchPredictBadInputTest extends BadInputContract {
    @Override
    String function() {
        return "batch-predict";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-b\", \"modelUri\": \"rule:passenger_count>=2\", \"shardPrefix\": \"${D}/taxi/\", \"poolSize\": 2, \"outputPrefix\": \"${OUT}\"}";
    }
}
