package dev.canopy.training;

import dev.canopy.data.Table;
import dev.canopy.data.TableReader;
import dev.canopy.error.InvalidInputException;
import dev.canopy.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, item 6: an {@code id} column became a feature, silently. Columns named like identifiers are left
 * out by default and say why; an all-distinct integer feature gets a warning; {@code exclude} leaves any out.
 */
class IdColumnsTest {
    static final DataPreparation.Options OPT = DataPreparation.options(null, null, null, null);

    /** The housing data with an id, a customer_id, a customerId and a seq (0, 1, 2...) column in front. */
    static Table table() {
        String[] lines = TestData.housingCsv(200, 4).split("\n");
        StringBuilder csv = new StringBuilder("id,customer_id,customerId,seq,").append(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            csv.append(1000 + i).append(',').append(7 * i).append(',').append(3 * i).append(',').append(i - 1).append(',')
                    .append(lines[i]).append('\n');
        }
        return TableReader.read("data", "mem://d/h.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void columnsNamedLikeIdsAreLeftOutByDefaultAndSaySo() {
        FeatureSelection.Selection s = FeatureSelection.select(table(), "MedHouseVal", null, OPT);
        for (String id : List.of("id", "customer_id", "customerId")) {
            assertFalse(s.names().contains(id), s.names().toString());
            assertEquals(IdColumns.reason(), s.leftOut().get(id), id);
        }
        assertTrue(s.names().contains("MedInc"));
        // named, an id is a feature like any other
        assertTrue(FeatureSelection.select(table(), "MedHouseVal", List.of("id", "MedInc"), OPT).names().contains("id"));
    }

    @Test
    void anIntegerFeatureWhoseValuesAreAllDistinctGetsAWarning() {
        FeatureSelection.Selection s = FeatureSelection.select(table(), "MedHouseVal", null, OPT);
        assertTrue(s.names().contains("seq"));
        assertEquals(1, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().getFirst().startsWith("feature seq: all 200 values are distinct integers"), s.warnings().toString());
        assertTrue(s.warnings().getFirst().contains("--exclude seq"));
    }

    @Test
    void excludeLeavesColumnsOutAndRefusesOnesThatAreNotThere() {
        FeatureSelection.Selection s = FeatureSelection.select(table(), "MedHouseVal", null, List.of("seq", "HouseAge"), OPT);
        assertFalse(s.names().contains("seq") || s.names().contains("HouseAge"), s.names().toString());
        assertEquals("excluded", s.leftOut().get("HouseAge"));
        assertEquals(List.of(), s.warnings());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> FeatureSelection.select(table(), "MedHouseVal", null, List.of("HouseAgee"), OPT));
        assertEquals("exclude", e.field());
        assertThrows(InvalidInputException.class,
                () -> FeatureSelection.select(table(), "MedHouseVal", List.of("MedInc"), List.of("MedInc"), OPT));
    }

    @Test
    void namesThatMerelyContainIdAreFeatures() {
        for (String name : List.of("MedInc", "paid", "valid", "humidity", "width", "Latitude")) {
            assertFalse(IdColumns.namedLikeAnId(name), name);
        }
        for (String name : List.of("id", "ID", "uuid", "row_id", "user-id", "userId", "PULocationID", "__index_level_0__")) {
            assertTrue(IdColumns.namedLikeAnId(name), name);
        }
    }
}
