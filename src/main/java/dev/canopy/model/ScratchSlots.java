package dev.canopy.model;

import java.util.Arrays;

/**
 * Where {@link TreeEnsemble}'s lock-step walk finds each feature in its scratch rows, so that it compares
 * {@code x <= threshold} and nothing else whatever the nodes' gap directions: a feature that only NaN-right
 * nodes split on is copied as it is (NaN fails {@code <=}, so goes right); one that only NaN-left nodes split on
 * has NaN replaced by {@code -Infinity} (which passes every {@code <=}, so goes left); one that both kinds split
 * on is copied both ways, the second copy in slot {@code features + k}, which its NaN-left nodes read.
 *
 * @param features       the model's features, the first slots
 * @param nanLeftFeature the features copied a second time, in slot order: slot {@code features + k} holds
 *                       {@code nanLeftFeature[k]} with -Infinity for NaN
 * @param gapsLow        per feature: only NaN-left nodes split on it, so its own slot holds -Infinity for NaN
 * @param anyNanLeft     whether any node sends gaps left
 */
record ScratchSlots(int features, int[] nanLeftFeature, boolean[] gapsLow, boolean anyNanLeft) {

    /**
     * The slots of a tree ensemble's features, and each split node's slot written into {@code split} (which
     * holds each split node's feature on entry).
     *
     * @param splits  per node, whether it is a split (not a leaf)
     * @param nanLeft per node, whether a gap goes left (false for leaves)
     */
    static ScratchSlots assign(int features, boolean[] splits, boolean[] nanLeft, int[] split) {
        boolean[] leftUse = new boolean[features];
        boolean[] rightUse = new boolean[features];
        boolean anyLeft = false;
        for (int i = 0; i < split.length; i++) {
            if (splits[i]) {
                (nanLeft[i] ? leftUse : rightUse)[split[i]] = true;
                anyLeft |= nanLeft[i];
            }
        }
        boolean[] gapsLow = new boolean[features];
        int[] slot = new int[features];
        int extra = 0;
        int[] copies = new int[0];
        for (int f = 0; f < features; f++) {
            gapsLow[f] = leftUse[f] && !rightUse[f];
            if (leftUse[f] && rightUse[f]) {
                slot[f] = features + extra++;
                copies = Arrays.copyOf(copies, extra);
                copies[extra - 1] = f;
            }
        }
        for (int i = 0; i < split.length; i++) {
            if (splits[i] && nanLeft[i] && slot[split[i]] != 0) {
                split[i] = slot[split[i]];
            }
        }
        return new ScratchSlots(features, copies, gapsLow, anyLeft);
    }

    /** Values per scratch row. */
    int stride() {
        return features + nanLeftFeature.length;
    }

    /** The model feature a slot holds. */
    int feature(int slot) {
        return slot < features ? slot : nanLeftFeature[slot - features];
    }

    /**
     * Copies rows {@code from .. from + count} of {@code columns[f][row]} into the scratch rows {@code x},
     * row-major so one row's features sit together, each feature in its slot (or slots).
     */
    void transpose(double[][] columns, int from, int count, double[] x) {
        int stride = stride();
        for (int f = 0; f < features; f++) {
            double[] c = columns[f];
            if (gapsLow[f]) {
                for (int r = 0; r < count; r++) {
                    double v = c[from + r];
                    x[r * stride + f] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
                }
            } else {
                for (int r = 0; r < count; r++) {
                    x[r * stride + f] = c[from + r];
                }
            }
        }
        for (int k = 0; k < nanLeftFeature.length; k++) {
            double[] c = columns[nanLeftFeature[k]];
            int f = features + k;
            for (int r = 0; r < count; r++) {
                double v = c[from + r];
                x[r * stride + f] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
            }
        }
    }
}
