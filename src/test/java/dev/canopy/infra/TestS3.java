package dev.canopy.infra;

import dev.canopy.testing.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;

/** The tests' own S3 client of an {@link S3ProxyServer}. */
final class TestS3 {
    private TestS3() {
    }

    /**
     * Without {@code Expect: 100-continue} on uploads: with it, the URL-connection client intermittently reads
     * "Unexpected end of file from server" from S3Proxy on a reused connection, and does not retry a PUT there.
     */
    static S3Client client(S3ProxyServer s3) {
        return S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).expectContinueEnabled(false).build())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
