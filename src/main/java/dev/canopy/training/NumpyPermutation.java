package dev.canopy.training;

/**
 * The permutation NumPy's legacy {@code RandomState(seed).permutation(n)} produces: MT19937 seeded with
 * {@code init_genrand(seed)}, then a Fisher-Yates shuffle from the top drawing each index with NumPy's
 * masked rejection sampling. scikit-learn's {@code train_test_split(random_state=seed)} is built on it, so
 * Canopy's split for a seed is the very split scikit-learn makes for that seed, and results can be
 * compared with scikit-learn's and XGBoost's on identical rows.
 */
final class NumpyPermutation {
    private final int[] mt = new int[624];
    private int index = 624;

    private NumpyPermutation(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < 624; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
    }

    static int[] permutation(int n, long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("seed must be between 0 and 2^32-1: " + seed);
        }
        NumpyPermutation rng = new NumpyPermutation(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) rng.interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Uniform in [0, max], as NumPy's {@code random_interval} for max below 2^32. */
    private long interval(long max) {
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        while ((value = (next() & 0xFFFFFFFFL) & mask) > max) {
            // rejected: draw again
        }
        return value;
    }

    private int next() {
        if (index >= 624) {
            for (int k = 0; k < 624; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
                mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }
}
