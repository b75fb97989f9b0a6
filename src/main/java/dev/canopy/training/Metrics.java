package dev.canopy.training;

/** Test-set regression metrics. */
public record Metrics(double mse, double rmse, double mae, double r2) {

    public static Metrics of(double[] truth, double[] predicted) {
        int n = truth.length;
        double mean = 0;
        for (double t : truth) {
            mean += t;
        }
        mean /= n;
        double se = 0;
        double ae = 0;
        double tss = 0;
        for (int i = 0; i < n; i++) {
            double d = predicted[i] - truth[i];
            se += d * d;
            ae += Math.abs(d);
            double m = truth[i] - mean;
            tss += m * m;
        }
        double mse = se / n;
        return new Metrics(mse, Math.sqrt(mse), ae / n, tss == 0 ? Double.NaN : 1 - se / tss);
    }
}
