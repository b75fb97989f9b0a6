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
        return seeded(seed).permutation(n);
    }

    /**
     * A generator in the state of {@code RandomState(seed)}: scikit-learn's stratified splits draw several
     * permutations and choices from one such state in turn, so the calls must be made in its order.
     */
    static NumpyPermutation seeded(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("seed must be between 0 and 2^32-1: " + seed);
        }
        return new NumpyPermutation(seed);
    }

    /** {@code RandomState.permutation(n)}: {@code arange(n)} shuffled. */
    int[] permutation(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a);
        return a;
    }

    /** {@code RandomState.shuffle(a)} of a one-dimensional array, in place (also {@code permutation(a)}). */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
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
