package dev.canopy.function;

import dev.canopy.sample.TaxiShards;
import dev.canopy.testing.SharedFixture;
import dev.canopy.testing.TestData;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the event fixtures in src/test/resources/events/. They name their data set
 * {@code ${DATA}}, which is replaced with a generated CSV so the fixtures stay small and readable.
 */
final class EventFixtures {
    private EventFixtures() {
    }

    static String event(String name) {
        try (InputStream in = EventFixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${DATA}", data().toString())
                    .replace("${SHARDS}", shards().toString())
                    .replace("${OUT}", FunctionProfiles.OUT.resolve("out").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path data() {
        Path d = FunctionProfiles.OUT.resolve("housing");
        SharedFixture.once(d, () -> Files.write(d.resolve("housing.csv"), TestData.housingCsvBytes(700, 21)));
        return d.resolve("housing.csv");
    }

    /** Two small taxi shards in the public data set's layout. */
    static Path shards() {
        Path d = FunctionProfiles.OUT.resolve("taxi");
        SharedFixture.once(d, () -> TaxiShards.write(d, new int[]{300, 200}, 11));
        return d;
    }
}
