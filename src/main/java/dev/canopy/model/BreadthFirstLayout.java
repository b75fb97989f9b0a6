package dev.canopy.model;

import java.util.Arrays;

/**
 * Lays out {@link LockStepWalk}'s nodes: each tree's breadth first in a range of its own, a split's two children
 * side by side, filling the node and threshold-or-value arrays as it goes. A node that another parent of its tree
 * placed first is copied where a second parent reaches it when it is a leaf, and is otherwise reached through a
 * pass. The same shape is laid out the same way, which {@link SharedWalks}'s copies rely on. One layout per
 * ensemble, used once, by one thread.
 */
final class BreadthFirstLayout {
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final boolean[] nanLeft;
    private final double[] value;
    private final ScratchSlots slots;
    /** The scratch slot past the features' that holds -Infinity, which leaves and passes read. */
    private final int constant;
    /** Per given node: 1 + the tree that placed it, negative when it is that tree's root; 0 not yet placed. */
    private final int[] owner;
    /** Per given node, where it was placed. */
    private final int[] at;
    /** Per placed node, the given node it stands for (a pass stands for none: -1). */
    private int[] nodeOf;
    private long[] node;
    private double[] tv;
    private int placed;
    private int passes;

    /** @param feature per node, the feature it splits on, or -1 for a leaf */
    BreadthFirstLayout(int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft, double[] value,
                       ScratchSlots slots) {
        int n = feature.length;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.nanLeft = nanLeft;
        this.value = value;
        this.slots = slots;
        this.constant = slots.stride();
        this.owner = new int[n];
        this.at = new int[n];
        // a forest of trees places each node once; only shared nodes make the arrays grow
        this.nodeOf = new int[n];
        this.node = new long[n];
        this.tv = new double[n];
    }

    /** Places tree {@code t} from the given node {@code r}; returns where its root is. */
    int tree(int t, int r) {
        if (owner[r] < 0) {
            return at[r];
        }
        if (owner[r] > 0) {
            throw new IllegalArgumentException("the root of tree " + t + ", node " + r + ", is a node of tree "
                    + (owner[r] - 1));
        }
        int first = placed;
        place(r);
        owner[r] = -(t + 1);
        for (int q = first; q < placed; q++) {
            int i = nodeOf[q];
            if (i < 0 || feature[i] < 0) {
                continue;
            }
            int k = placed;
            reserve(2);
            node[q] = (long) k << 32 | slots.slot(feature[i], nanLeft[i]);
            tv[q] = threshold[i];
            for (int side = 0; side < 2; side++) {
                int c = side == 0 ? left[i] : right[i];
                int slot = k + side;
                if (owner[c] == 0) {
                    owner[c] = t + 1;
                    at[c] = slot;
                    nodeOf[slot] = c;
                    if (feature[c] < 0) {
                        leaf(slot, c);
                    }
                } else if (owner[c] != t + 1) {
                    throw new IllegalArgumentException("node " + c + " belongs to tree "
                            + (Math.abs(owner[c]) - 1) + " and to tree " + t);
                } else if (feature[c] < 0) {
                    nodeOf[slot] = c;
                    leaf(slot, c);
                } else {
                    nodeOf[slot] = -1;
                    node[slot] = (long) at[c] << 32 | constant;
                    tv[slot] = 0;
                    passes++;
                }
            }
        }
        return first;
    }

    /** Where tree {@code t}'s range ends; a tree given twice ends where its first showing does. */
    int end(int t, int r, int[] ends) {
        int placedBy = -owner[r] - 1;
        return placedBy == t ? placed : ends[placedBy];
    }

    private void place(int i) {
        int k = placed;
        reserve(1);
        at[i] = k;
        nodeOf[k] = i;
        if (feature[i] < 0) {
            leaf(k, i);
        }
    }

    private void leaf(int k, int i) {
        node[k] = (long) k << 32 | constant;
        tv[k] = value[i];
    }

    private void reserve(int count) {
        if (placed + count > node.length) {
            int size = Math.max(placed + count, node.length + (node.length >> 1));
            nodeOf = Arrays.copyOf(nodeOf, size);
            node = Arrays.copyOf(node, size);
            tv = Arrays.copyOf(tv, size);
        }
        placed += count;
    }

    /** Per placed node: its left child (high 32 bits) and the slot it reads. */
    long[] node() {
        return node.length == placed ? node : Arrays.copyOf(node, placed);
    }

    /** Per placed node: a split's threshold, a leaf's value, 0 for a pass. */
    double[] tv() {
        return tv.length == placed ? tv : Arrays.copyOf(tv, placed);
    }

    /** Nodes placed to reach a node that another parent placed first. */
    int passes() {
        return passes;
    }
}
