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
 * @param copySlot       per feature, the slot of its second copy, or 0 when it has none
 */
record ScratchSlots(int features, int[] nanLeftFeature, boolean[] gapsLow, boolean anyNanLeft, int[] copySlot) {

    /**
     * The slots of a tree ensemble's features, by the gap directions of the nodes that split on each.
     *
     * @param feature per node, the feature it splits on, or -1 for a leaf
     * @param nanLeft per node, whether a gap goes left (ignored for leaves)
     */
    static ScratchSlots assign(int features, int[] feature, boolean[] nanLeft) {
        boolean[] leftUse = new boolean[features];
        boolean[] rightUse = new boolean[features];
        boolean anyLeft = false;
        for (int i = 0; i < feature.length; i++) {
            if (feature[i] >= 0) {
                (nanLeft[i] ? leftUse : rightUse)[feature[i]] = true;
                anyLeft |= nanLeft[i];
            }
        }
        boolean[] gapsLow = new boolean[features];
        int[] copySlot = new int[features];
        int extra = 0;
        int[] copies = new int[0];
        for (int f = 0; f < features; f++) {
            gapsLow[f] = leftUse[f] && !rightUse[f];
            if (leftUse[f] && rightUse[f]) {
                copySlot[f] = features + extra++;
                copies = Arrays.copyOf(copies, extra);
                copies[extra - 1] = f;
            }
        }
        return new ScratchSlots(features, copies, gapsLow, anyLeft, copySlot);
    }

    /** The slot a split on {@code feature} with this gap direction reads. */
    int slot(int feature, boolean nanLeft) {
        return nanLeft && copySlot[feature] != 0 ? copySlot[feature] : feature;
    }

    /** Whether the nodes that read {@code slot} send gaps left. */
    boolean nanLeft(int slot) {
        return slot >= features || gapsLow[slot];
    }

    /** Values per scratch row. */
    int stride() {
        return features + nanLeftFeature.length;
    }

    /** The model feature a slot holds. */
    int feature(int slot) {
        return slot < features ? slot : nanLeftFeature[slot - features];
    }

    /** One row's values into its scratch row {@code x}, as {@link #transpose} places them. */
    void row(double[] row, double[] x) {
        for (int f = 0; f < features; f++) {
            double v = row[f];
            x[f] = gapsLow[f] && Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        }
        for (int k = 0; k < nanLeftFeature.length; k++) {
            double v = row[nanLeftFeature[k]];
            x[features + k] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        }
    }

    /**
     * Copies rows {@code from .. from + count} of {@code columns[f][row]} into the scratch rows {@code x},
     * row-major so one row's features sit together, each feature in its slot (or slots); each row takes
     * {@code stride} values, at least {@link #stride()}, and those past the slots are left as they are.
     */
    void transpose(double[][] columns, int from, int count, double[] x, int stride) {
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
