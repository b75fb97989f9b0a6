package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code supervise}: the bad-input table's cases and a bounded fuzz, through the Lambda runtime API. */
@QuarkusTest
@TestProfile(FunctionProfiles.Supervise.class)
class SuperviseBadInputTest extends BadInputContract {
    @Override
    String function() {
        return "supervise";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-s\", \"data\": \"${D}/housing.csv\", \"algorithms\": [\"decision_tree\"], \"out\": \"${OUT}\", \"params\": {\"decision_tree\": {\"max_depth\": 4}}}";
    }
}
