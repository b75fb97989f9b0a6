package dev.canopy.storage.s3;

import dev.canopy.storage.ObjectStore;
import dev.canopy.storage.ObjectStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 adapter against LocalStack in Docker. Skipped, not failed, where there is no Docker. */
@Testcontainers(disabledWithoutDocker = true)
class S3ObjectStoreLocalStackTest extends ObjectStoreContract {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
            .withServices("s3");
    static S3Client client;
    static S3ObjectStore store;

    @BeforeAll
    static void start() {
        client = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .forcePathStyle(true)
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        client.createBucket(b -> b.bucket("canopy-localstack"));
        store = new S3ObjectStore(client);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String base() {
        return "s3://canopy-localstack/contract";
    }
}
