package dev.canopy.storage.s3;

import dev.canopy.error.ObjectNotFoundException;
import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.ObjectStoreContract;
import dev.canopy.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The S3 adapter against S3Proxy: the real S3 HTTP API, in this JVM. */
class S3ObjectStoreTest extends ObjectStoreContract {
    static S3ProxyServer server;
    static S3Client client;
    static S3ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        server = new S3ProxyServer();
        server.createBucket("canopy-test");
        client = server.client();
        store = new S3ObjectStore(client);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String base() {
        return "s3://canopy-test/contract";
    }

    @Test
    void missingBucketIsNotFound() {
        assertThrows(ObjectNotFoundException.class, () -> store.read("s3://no-such-bucket/key"));
    }
}
