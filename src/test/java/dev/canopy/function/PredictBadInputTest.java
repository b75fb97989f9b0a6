package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code predict}: the bad-input table's cases and a bounded fuzz, through the Lambda runtime API. */
@QuarkusTest
@TestProfile(FunctionProfiles.Predict.class)
class PredictBadInputTest extends BadInputContract {
    @Override
    String function() {
        return "predict";
    }

    @Override
    String validRequest() {
        return "{\"modelUri\": \"rule:passenger_count>=2\", \"shard\": \"${D}/taxi/fe41422b01c04169af2a65a83b753e0f_000000.parquet\", \"outputUri\": \"${OUT}/p.parquet\"}";
    }
}
