package dev.canopy.storage.s3;

import dev.canopy.error.ConfigurationException;
import dev.canopy.error.StorageException;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection that breaks while the SDK reads a response body comes out of the SDK as a bare
 * {@link UncheckedIOException}, past its own retries (seen against S3Proxy: "Unexpected end of file from
 * server" on a kept-alive connection). The adapter retries it and then reports a transient storage fault.
 */
class S3ObjectStoreCallTest {
    private static UncheckedIOException broken() {
        return new UncheckedIOException(new SocketException("Unexpected end of file from server"));
    }

    @Test
    void aBrokenResponseIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        String v = S3ObjectStore.call("list", "s3://b/p/", () -> {
            if (calls.incrementAndGet() < S3ObjectStore.IO_ATTEMPTS) {
                throw broken();
            }
            return "ok";
        });
        assertEquals("ok", v);
        assertEquals(S3ObjectStore.IO_ATTEMPTS, calls.get());
    }

    @Test
    void aConnectionThatKeepsBreakingIsATransientStorageFault() {
        AtomicInteger calls = new AtomicInteger();
        StorageException e = assertThrows(StorageException.class, () -> S3ObjectStore.call("get", "s3://b/k", () -> {
            calls.incrementAndGet();
            throw broken();
        }));
        assertEquals(S3ObjectStore.IO_ATTEMPTS, calls.get());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("cannot get s3://b/k: java.net.SocketException: Unexpected end of file"), e.getMessage());
    }

    @Test
    void missingCredentialsAreOnePermanentLineNamingWhatToSet() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> S3ObjectStore.call("get", "s3://b/k", () -> {
                    throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to load credentials from "
                            + "any of the providers in the chain AwsCredentialsProviderChain(...)");
                }));
        assertTrue(e.getMessage().startsWith("no AWS credentials to get s3://b/k: set AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"), e.getMessage());
        assertFalse(e.retryable(), "no retry finds credentials that are not set");
    }
}
