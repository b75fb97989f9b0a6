package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code train}: the bad-input table's cases and a bounded fuzz, through the Lambda runtime API. */
@QuarkusTest
@TestProfile(FunctionProfiles.Train.class)
class TrainBadInputTest extends BadInputContract {
    @Override
    String function() {
        return "train";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-t\", \"data\": \"${D}/housing.csv\", \"algorithm\": \"decision_tree\", \"out\": \"${OUT}\"}";
    }
}
