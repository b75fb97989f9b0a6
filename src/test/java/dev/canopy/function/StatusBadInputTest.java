package dev.canopy.function;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code status}: the bad-input table's cases and a bounded fuzz, through the Lambda runtime API. */
@QuarkusTest
@TestProfile(FunctionProfiles.Status.class)
class StatusBadInputTest extends BadInputContract {
    @Override
    String function() {
        return "status";
    }

    @Override
    String validRequest() {
        return "{\"runId\": \"fz-run\", \"out\": \"${D}/runs\"}";
    }
}
