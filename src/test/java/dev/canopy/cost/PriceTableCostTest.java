package dev.canopy.cost;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The price arithmetic, Lambda's rounding, and bad settings named by their key and value. */
class PriceTableCostTest {
    static final Map<String, Integer> MEMORY = Map.of("predict", 1024);

    @Test
    void oneSecondAtOneGigabyteIsOneGbSecondPricedPerArchitecture() {
        assertEquals(1.0, PriceTable.gbSeconds(1000, 1024), 1e-12);
        assertEquals(0.5 * 0.3, PriceTable.gbSeconds(300, 512), 1e-12, "512 MB for 300 ms is 0.15 GB-s");
        assertEquals(1.769 * 1769 / 1024.0, PriceTable.gbSeconds(1769, 1769), 1e-12);

        PriceTable x86 = PriceTable.DEFAULT;
        // 1,000,000 requests of 1 s at 1 GB: $0.20 of requests + 1e6 GB-s at $0.0000166667
        assertEquals(0.20 + 16.6667, x86.usd(1_000_000, 1_000_000.0), 1e-9);
        assertEquals(0.0000166667 + 0.0000002, x86.usd(1, 1.0), 1e-15);
        PriceTable arm = x86.withArchitecture(PriceTable.ARM64);
        assertEquals(0.0000133334 + 0.0000002, arm.usd(1, 1.0), 1e-15);
        assertEquals(0.0000133334, arm.usdPerGbSecond());
        assertEquals(0.0000166667, x86.usdPerGbSecond());
    }

    @Test
    void measuredTimeIsRoundedUpToTheNextWholeMillisecondAsLambdaBills() {
        assertEquals(0, Billing.measured(0).billedMillis());
        assertEquals(1, Billing.measured(1).billedMillis(), "1 ns bills 1 ms");
        assertEquals(1, Billing.measured(1_000_000).billedMillis(), "exactly 1 ms bills 1 ms");
        assertEquals(2, Billing.measured(1_000_001).billedMillis(), "1.000001 ms bills 2 ms");
        assertEquals(13, Billing.measured(12_340_000).billedMillis(), "12.34 ms bills 13 ms");
        assertEquals(Billing.Source.MEASURED, Billing.measured(5).source());
        assertEquals(null, Billing.measured(5).memoryMb(), "local calls take the configured memory");
    }

    @Test
    void badSettingsAreRefusedNamingTheKeyAndTheValue() {
        InvalidInputException arch = assertThrows(InvalidInputException.class,
                () -> new PriceTable("x86", 1e-5, 1e-5, 0.2, MEMORY));
        assertEquals("canopy.cost.architecture", arch.field());
        assertTrue(arch.getMessage().contains("\"x86\"") && arch.getMessage().contains("x86_64 or arm64"), arch.getMessage());
        assertEquals("canopy.cost.x86-usd-per-gb-second", assertThrows(InvalidInputException.class,
                () -> new PriceTable("x86_64", -1e-5, 1e-5, 0.2, MEMORY)).field());
        assertEquals("canopy.cost.arm64-usd-per-gb-second", assertThrows(InvalidInputException.class,
                () -> new PriceTable("arm64", 1e-5, Double.NaN, 0.2, MEMORY)).field());
        assertEquals("canopy.cost.usd-per-million-requests", assertThrows(InvalidInputException.class,
                () -> new PriceTable("arm64", 1e-5, 1e-5, Double.POSITIVE_INFINITY, MEMORY)).field());
        for (int mb : new int[] {0, 127, 10_241}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new PriceTable("x86_64", 1e-5, 1e-5, 0.2, Map.of("train", mb)));
            assertEquals("canopy.cost.memory.train", e.field());
            assertTrue(e.getMessage().contains("\"" + mb + "\"") && e.getMessage().contains("128 and 10240"), e.getMessage());
        }
        // the bounds themselves are Lambda's and allowed; a free price table is allowed too
        assertEquals(10_240, new PriceTable("x86_64", 0, 0, 0, Map.of("a", 128, "b", 10_240)).memoryOf("b"));
        assertEquals("canopy.cost.memory.nope", assertThrows(InvalidInputException.class,
                () -> PriceTable.DEFAULT.memoryOf("nope")).field());
    }
}
