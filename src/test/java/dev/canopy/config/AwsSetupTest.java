package dev.canopy.config;

import dev.canopy.error.ConfigurationException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class AwsSetupTest {

    @Test
    void aMissingRegionBecomesOneLineNamingWhatToSet() {
        // what Quarkus throws when the S3 client's synthetic bean cannot find a region
        RuntimeException creation = new RuntimeException("Error creating synthetic bean [AJJRdIX]: SdkClientException",
                SdkClientException.create("Unable to load region from any of the providers in the chain "
                        + "software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain@107e8b18: [...]"));
        RuntimeException e = AwsSetup.explain(creation, "S3", "quarkus.s3.aws.region");
        ConfigurationException c = assertInstanceOf(ConfigurationException.class, e);
        assertEquals("no AWS region for S3: set AWS_REGION or AWS_DEFAULT_REGION (or quarkus.s3.aws.region)", c.getMessage());
        assertFalse(c.retryable());
        assertSame(creation, c.getCause(), "the SDK's chain stays available to a debugger");
    }

    @Test
    void aRegionFailureQuotedOnlyInTheMessageIsRecognisedToo() {
        RuntimeException quoted = new RuntimeException("Error creating synthetic bean [AJJRdIX]: software.amazon.awssdk."
                + "core.exception.SdkClientException: Unable to load region from any of the providers in the chain");
        assertEquals("no AWS region for the Lambda client: set AWS_REGION or AWS_DEFAULT_REGION (or canopy.invoke.region)",
                AwsSetup.explain(quoted, "the Lambda client", "canopy.invoke.region").getMessage());
    }

    @Test
    void otherFailuresAreLeftAlone() {
        RuntimeException other = new RuntimeException("boom", SdkClientException.create("Unable to execute HTTP request"));
        assertSame(other, AwsSetup.explain(other, "S3", "quarkus.s3.aws.region"));
    }
}
