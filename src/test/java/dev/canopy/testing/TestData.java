package dev.canopy.testing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/** Small generated data sets, so that tests never depend on files outside the repository. */
public final class TestData {
    private TestData() {
    }

    /**
     * A housing-like regression set: eight numeric features with California housing's names and a target
     * that depends on them non-linearly, plus noise. Deterministic for a given seed.
     */
    public static String housingCsv(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("MedInc,HouseAge,AveRooms,AveBedrms,Population,AveOccup,Latitude,Longitude,MedHouseVal\n");
        for (int i = 0; i < rows; i++) {
            double inc = 0.5 + r.nextDouble() * 10;
            double age = 1 + r.nextInt(52);
            double rooms = 2 + r.nextDouble() * 6;
            double bed = 0.8 + r.nextDouble() * 0.6;
            double pop = 50 + r.nextInt(3000);
            double occ = 1 + r.nextDouble() * 4;
            double lat = 32.5 + r.nextDouble() * 9;
            double lon = -124.3 + r.nextDouble() * 10;
            double y = 0.4 * inc + (lat > 37 ? 0.6 : -0.2) + 0.01 * age - 0.1 * occ
                    + 0.3 * Math.sin(lon) + r.nextGaussian() * 0.2;
            sb.append(String.format(Locale.ROOT, "%.4f,%.0f,%.4f,%.4f,%.0f,%.4f,%.2f,%.2f,%.4f%n",
                    inc, age, rooms, bed, pop, occ, lat, lon, y));
        }
        return sb.toString();
    }

    public static byte[] housingCsvBytes(int rows, long seed) {
        return housingCsv(rows, seed).getBytes(StandardCharsets.UTF_8);
    }
}
