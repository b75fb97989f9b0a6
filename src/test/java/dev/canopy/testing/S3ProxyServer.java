package dev.canopy.testing;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/** An in-JVM S3 server speaking the real S3 HTTP API (S3Proxy over an in-memory blob store). */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "canopy-test";
    public static final String SECRET_KEY = "canopy-test-secret";
    private final S3Proxy proxy;

    public S3ProxyServer() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public S3Client client() {
        return client(endpoint());
    }

    /** A client that reaches this server through {@code endpoint} (a proxy in front of it). */
    public S3Client client(String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
