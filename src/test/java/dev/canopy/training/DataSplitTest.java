package dev.canopy.training;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DataSplitTest {

    /** Expected values printed by NumPy 2.4: {@code np.random.RandomState(seed).permutation(n)}. */
    @Test
    void permutationIsNumpysLegacyPermutation() {
        int[] p4 = NumpyPermutation.permutation(20640, 4);
        assertArrayEquals(new int[]{6939, 8032, 18877, 4882, 5409}, Arrays.copyOf(p4, 5));
        assertArrayEquals(new int[]{17093, 8366, 17530}, Arrays.copyOfRange(p4, 20637, 20640));
        assertArrayEquals(new int[]{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}, NumpyPermutation.permutation(10, 42));
        assertArrayEquals(new int[]{94, 405, 819, 632, 217}, Arrays.copyOf(NumpyPermutation.permutation(1000, 4294967295L), 5));
    }

    @Test
    void splitIsScikitLearnsTrainTestSplit() {
        DataSplit a = DataSplit.of(20640, 0.2, 4);
        assertEquals(4128, a.test().length);
        assertEquals(16512, a.train().length);
        assertEquals(6939, a.test()[0]);
        int[] all = IntStream.concat(Arrays.stream(a.train()), Arrays.stream(a.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 20640).toArray(), all);
        assertArrayEquals(a.test(), DataSplit.of(20640, 0.2, 4).test());
        assertFalse(Arrays.equals(a.test(), DataSplit.of(20640, 0.2, 5).test()));
    }
}
