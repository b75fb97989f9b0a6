package dev.canopy.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 24, item 9: the AWS CLI and boto3 read AWS_DEFAULT_REGION, the Java SDK only AWS_REGION. Canopy's
 * configuration gives both of its AWS clients (S3 and Lambda) AWS_REGION, else AWS_DEFAULT_REGION.
 */
class AwsRegionFallbackTest {
    private static Optional<String> region(String property, Map<String, String> env) throws IOException {
        SmallRyeConfig c = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(AwsRegionFallbackTest.class.getResource("/application.properties")))
                .withSources(new MapBackedConfigSource("environment", env, 300) {
                })
                .build();
        return c.getOptionalValue(property, String.class);
    }

    @Test
    void awsDefaultRegionIsTheFallbackOfBothClients() throws IOException {
        for (String property : new String[]{"quarkus.s3.aws.region", "canopy.invoke.region"}) {
            assertEquals(Optional.of("eu-west-3"), region(property, Map.of("AWS_DEFAULT_REGION", "eu-west-3")), property);
            assertEquals(Optional.of("us-west-2"), region(property, Map.of("AWS_REGION", "us-west-2",
                    "AWS_DEFAULT_REGION", "eu-west-3")), "AWS_REGION wins: " + property);
            assertEquals(Optional.empty(), region(property, Map.of()), "neither: the SDK's own chain decides");
        }
    }
}
