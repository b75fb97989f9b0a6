package dev.canopy.config;

import dev.canopy.error.ConfigurationException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns the SDK's failure to find a region, which Quarkus reports as a {@code CreationException} of a
 * synthetic bean followed by the whole provider chain, into one line that names what to set.
 */
final class AwsSetup {
    private AwsSetup() {
    }

    /**
     * @param client  what the client is for, e.g. "S3"
     * @param setting the configuration property that sets its region
     * @return a {@link ConfigurationException} when {@code e} comes from a missing region, else {@code e}
     */
    static RuntimeException explain(RuntimeException e, String client, String setting) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Quarkus may wrap the SDK's exception or only quote it in its own message
            if (t.getMessage() != null && (t instanceof SdkClientException ? t.getMessage().startsWith("Unable to load region")
                    : t.getMessage().contains("SdkClientException: Unable to load region"))) {
                return new ConfigurationException("no AWS region for " + client + ": set AWS_REGION or AWS_DEFAULT_REGION (or " + setting + ")", e);
            }
        }
        return e;
    }
}
