package dev.canopy.storage.s3;

import dev.canopy.error.ConfigurationException;
import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.error.StorageException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** S3 carried out the first PUT but its response broke; the PUT sent again is answered 412. */
    @Test
    void aCreateWhoseResponseBrokeIsStillThisCallsWhenTheObjectHoldsItsBytes() {
        byte[] mine = "claim-1".getBytes(StandardCharsets.UTF_8);
        AtomicReference<byte[]> stored = new AtomicReference<>();
        Supplier<Object> put = () -> {
            if (stored.compareAndSet(null, mine)) {
                throw broken();
            }
            throw S3Exception.builder().statusCode(412).message("At least one of the pre-conditions you specified did not hold").build();
        };
        assertTrue(S3ObjectStore.createOnce("s3://b/claims/request.json", mine, put, stored::get),
                "the create that S3 carried out is this call's, though its answer was lost");
        assertArrayEquals(mine, stored.get());
    }

    @Test
    void aCreateWhoseResponseBrokeLosesToAnotherWritersObject() {
        byte[] theirs = "claim-0".getBytes(StandardCharsets.UTF_8);
        AtomicInteger calls = new AtomicInteger();
        Supplier<Object> put = () -> {
            if (calls.incrementAndGet() == 1) {
                throw broken(); // this time S3 did not carry it out: another writer's object is there
            }
            throw S3Exception.builder().statusCode(412).message("At least one of the pre-conditions you specified did not hold").build();
        };
        assertFalse(S3ObjectStore.createOnce("s3://b/claims/request.json", "claim-1".getBytes(StandardCharsets.UTF_8), put,
                () -> theirs));
        assertEquals(2, calls.get());
    }

    /** The SDK's own retry (of a 5xx, say) hides the first attempt: the only answer this adapter sees is a 412. */
    @Test
    void aCreateWhoseFirstAnswerWasLostInsideTheSdkIsStillThisCalls() {
        byte[] mine = "claim-2".getBytes(StandardCharsets.UTF_8);
        assertTrue(S3ObjectStore.createOnce("s3://b/k", mine, () -> {
            throw S3Exception.builder().statusCode(412).message("precondition").build();
        }, () -> "claim-2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a412OverAnObjectDeletedSinceIsLost() {
        assertFalse(S3ObjectStore.createOnce("s3://b/k", new byte[]{1}, () -> {
            throw S3Exception.builder().statusCode(412).message("precondition").build();
        }, () -> {
            throw new ObjectNotFoundException("s3://b/k");
        }));
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
