package dev.canopy.sample;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The binary example of {@code demo --task binary}: California housing with its target made a class,
 * {@value #TARGET} = 1 where {@code MedHouseVal > 2} (a district's median house value above $200,000) and 0
 * elsewhere; or, where no copy of the data is at hand, rows of the same columns this class makes itself.
 * The derived column replaces MedHouseVal, which would give the answer away.
 */
public final class BinaryHousing {
    /** The derived target's column. */
    public static final String TARGET = "MedHouseVal_over_2";
    /** The threshold, in MedHouseVal's unit (hundreds of thousands of dollars). */
    static final double THRESHOLD = 2.0;

    private BinaryHousing() {
    }

    /**
     * {@code csv} (California housing's layout, a header and comma-separated numbers) with MedHouseVal replaced
     * by {@value #TARGET}.
     *
     * @throws IllegalArgumentException when the header has no MedHouseVal or a row's value is not a number
     */
    public static String derive(String csv) {
        String[] lines = csv.split("\r?\n");
        String[] header = lines[0].split(",", -1);
        int col = -1;
        for (int c = 0; c < header.length; c++) {
            if (header[c].strip().equals("MedHouseVal")) {
                col = c;
            }
        }
        if (col < 0) {
            throw new IllegalArgumentException("no MedHouseVal column: the header is " + lines[0]);
        }
        header[col] = TARGET;
        StringBuilder b = new StringBuilder(csv.length());
        b.append(String.join(",", header)).append('\n');
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            double v;
            try {
                v = Double.parseDouble(cells[col].strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("row " + i + ": MedHouseVal \"" + (col < cells.length ? cells[col] : "")
                        + "\" is not a number");
            }
            cells[col] = v > THRESHOLD ? "1" : "0";
            b.append(String.join(",", cells)).append('\n');
        }
        return b.toString();
    }

    /**
     * {@code rows} rows of California housing's eight features, drawn near their real ranges, and a
     * {@value #TARGET} class that depends on income, location and occupancy with noise (a logistic draw), so
     * that the classes overlap and no model is perfect. The same seed gives the same rows.
     */
    public static String generate(int rows, long seed) {
        if (rows < 20) {
            throw new IllegalArgumentException("rows=" + rows + ": need at least 20 for a split with both classes");
        }
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(rows * 80);
        b.append(CaliforniaHousing.HEADER.replace("MedHouseVal", TARGET)).append('\n');
        for (int i = 0; i < rows; i++) {
            double income = Math.max(0.5, Math.min(15, Math.exp(1.25 + 0.45 * r.nextGaussian())));
            double age = 1 + r.nextInt(52);
            double rooms = Math.max(1, 5.2 + 0.25 * income + r.nextGaussian());
            double bedrooms = Math.max(0.5, 1.05 + 0.05 * r.nextGaussian());
            double population = Math.max(3, Math.exp(7.0 + 0.7 * r.nextGaussian()));
            double occupancy = Math.max(0.7, 2.9 + 0.6 * r.nextGaussian());
            boolean coast = r.nextDouble() < 0.45;
            double latitude = coast ? 33.5 + 4.5 * r.nextDouble() : 34 + 7 * r.nextDouble();
            double longitude = coast ? -122.5 + 0.9 * (38 - latitude) + 0.3 * r.nextGaussian()
                    : -121.5 + 0.7 * (38 - latitude) + 1.2 * r.nextDouble();
            double logit = 1.3 * (income - 3.6) + (coast ? 1.2 : -0.6) - 0.5 * (occupancy - 2.9) + 0.01 * (age - 28);
            boolean above = r.nextDouble() < 1 / (1 + Math.exp(-logit));
            b.append(String.format(Locale.ROOT, "%.4f,%.0f,%.4f,%.4f,%.0f,%.4f,%.2f,%.2f,%d%n", income, age, rooms,
                    bedrooms, population, occupancy, latitude, longitude, above ? 1 : 0));
        }
        return b.toString();
    }
}
