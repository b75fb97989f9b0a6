package dev.canopy.model;

import java.util.Arrays;

/**
 * A {@link TreeEnsemble}'s nodes as it holds them: laid out for the lock-step walk, so that one step of one row is
 * three loads (the node, its threshold, the row's value) and a compare, in 16 bytes a node.
 *
 * <ul>
 *   <li>Each tree's nodes are numbered breadth first in a range of their own, so a split's two children sit side
 *       by side and the right child is the left one plus one: a step adds the compare's outcome to the left
 *       child's index. The left child and the scratch slot the node reads share one {@code long}; one
 *       {@code double} holds a split's threshold or a leaf's value.</li>
 *   <li>A leaf is its own left child and reads the constant slot, the last of each scratch row, which holds
 *       -Infinity: {@code -Infinity <= value} for every leaf value but NaN, which the ensemble refuses, so a walk
 *       that stands on its leaf stays there.</li>
 *   <li>A node that is the child of several nodes of its tree (LightGBM's converted zero tests are) is placed
 *       once; where another parent reaches it, a copy stands in if it is a leaf, and otherwise a pass: a node
 *       that reads the constant slot and so always goes to its left child, the node, in one more step.</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class LockStepWalk {
    /**
     * Rows scored together per tree: enough independent walks to hide each step's latency, few enough to stay
     * in L1.
     */
    private static final int LANES = 128;
    /**
     * Rows transposed at a time: at most 8,192, and fewer for wide models, so the scratch array stays near
     * a million doubles (8 MB) whatever the batch size, and never above 128 rows' worth for very wide ones.
     */
    private static final int CHUNK = 8192;
    private static final int SCRATCH_VALUES = 1 << 20;

    /** What becomes of the sums of rows {@code from .. to}: the ensemble's output. */
    interface Finish {
        void rows(double[][] out, int from, int to);
    }

    /** The nodes in the layout of {@link TreeCodec}'s files: children after their parent, a leaf's feature -1. */
    record NodeArrays(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft,
                      double[] value) {
    }

    private final ScratchSlots slots;
    /** Values per scratch row: the slots, then the constant -Infinity that leaves and passes read. */
    private final int width;
    /** Per node: its left child (high 32 bits) and the scratch slot it reads (low 32 bits). */
    private final long[] node;
    /** Per node: a split's threshold, a leaf's value, 0 for a pass. */
    private final double[] tv;
    private final int[] root;
    /** Steps from each tree's root to its deepest leaf: after that many every walk stands on its leaf. */
    private final int[] height;
    private final int passes;
    /** Null for one output; per tree its class otherwise. */
    private final int[] treeClass;
    /** With a class per tree: per tree, the tree whose walk it shares ({@link SharedWalks}), or -1. */
    private final int[] sharesWalkOf;

    /**
     * @param feature   per node, the feature it splits on, or -1 for a leaf; children follow their parent
     * @param value     per node, a leaf's value (not NaN); ignored for splits
     * @param height    per tree, its split levels on the longest path
     * @param treeClass null, or per tree its class
     * @throws IllegalArgumentException if a node belongs to two trees; a tree given twice (the same root) is
     *                                  laid out once
     */
    LockStepWalk(int[] roots, int[] feature, double[] threshold, int[] left, int[] right, boolean[] nanLeft,
                 double[] value, int[] height, ScratchSlots slots, int[] treeClass) {
        this.slots = slots;
        this.width = slots.stride() + 1;
        this.treeClass = treeClass;
        BreadthFirstLayout layout = new BreadthFirstLayout(feature, threshold, left, right, nanLeft, value, slots);
        this.root = new int[roots.length];
        int[] end = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            root[t] = layout.tree(t, roots[t]);
            end[t] = layout.end(t, roots[t], end);
        }
        this.node = layout.node();
        this.tv = layout.tv();
        this.passes = layout.passes();
        if (passes == 0) {
            // breadth first with nothing shared: every path is as long as it was
            this.height = height.clone();
        } else {
            int[] below = heights();
            this.height = new int[roots.length];
            for (int t = 0; t < roots.length; t++) {
                this.height[t] = below[root[t]];
            }
        }
        this.sharesWalkOf = treeClass == null ? null : SharedWalks.of(root, end, this.height, node, tv);
    }

    int trees() {
        return root.length;
    }

    /** The nodes a file of this ensemble holds: all but the passes. */
    int nodes() {
        return node.length - passes;
    }

    /** Bytes the layout holds, for the model cache's bound. */
    long bytes() {
        return 16L * node.length + 8L * root.length + (treeClass == null ? 0 : 8L * root.length);
    }

    /** With a class per tree, per tree the tree whose walk it shares or -1 (a copy); null otherwise. */
    int[] sharesWalkOf() {
        return sharesWalkOf == null ? null : sharesWalkOf.clone();
    }

    /** Tree {@code t}'s leaf value for one scratch row ({@link ScratchSlots#row}), in the batch walk's steps. */
    double leafValue(int t, double[] x) {
        int n = root[t];
        for (int s = height[t]; s > 0; s--) {
            long p = node[n];
            n = (int) (p >>> 32) + (x[(int) p] <= tv[n] ? 0 : 1);
        }
        return tv[n];
    }

    /** A scratch row with its constant slot set; {@link ScratchSlots#row} fills the rest. */
    double[] scratchRow() {
        double[] x = new double[width];
        x[width - 1] = Double.NEGATIVE_INFINITY;
        return x;
    }

    /**
     * Scores column-major data ({@code columns[f][row]}) one tree at a time, so that tree's nodes stay in cache,
     * and {@value #LANES} rows at a time in lock step: every row takes one step down the tree before any row
     * takes the next. The steps of different rows are independent, so the CPU overlaps them, and the child is
     * chosen by arithmetic rather than by a branch it would mispredict half the time. A row that reaches its
     * leaf early stays there, so each tree takes exactly its height in steps. Each row's sum is added tree by
     * tree, in tree order, into {@code out[0]} with one output and into {@code out[class of the tree]}
     * otherwise; {@code finish} then makes each chunk's sums the output.
     */
    void score(double[][] columns, int rows, double[][] out, Finish finish) {
        int chunk = Math.max(LANES, Math.min(CHUNK, SCRATCH_VALUES / width));
        int scratchRows = Math.min(rows, chunk);
        double[] x = new double[scratchRows * width];
        // the constant slot of each row: transpose never writes it
        for (int r = 1; r <= scratchRows; r++) {
            x[r * width - 1] = Double.NEGATIVE_INFINITY;
        }
        int[] at = new int[LANES];
        for (int from = 0; from < rows; from += chunk) {
            int count = Math.min(chunk, rows - from);
            slots.transpose(columns, from, count, x, width);
            for (double[] o : out) {
                Arrays.fill(o, from, from + count, 0.0);
            }
            if (treeClass == null) {
                scoreOne(x, from, count, at, out[0]);
            } else {
                scoreSharing(x, from, count, at, out);
            }
            finish.rows(out, from, from + count);
        }
    }

    private void scoreOne(double[] x, int from, int count, int[] at, double[] o) {
        for (int t = 0; t < root.length; t++) {
            for (int lane0 = 0; lane0 < count; lane0 += LANES) {
                int lanes = Math.min(LANES, count - lane0);
                walk(root[t], height[t], x, lane0 * width, at, lanes);
                for (int j = 0; j < lanes; j++) {
                    o[from + lane0 + j] += tv[at[j]];
                }
            }
        }
    }

    /** The class-per-tree walk: a run of copies walked once, each adding its leaf; sums in tree order. */
    private void scoreSharing(double[] x, int from, int count, int[] at, double[][] out) {
        for (int t = 0; t < root.length; ) {
            int end = t + 1;
            while (end < root.length && sharesWalkOf[end] == t) {
                end++;
            }
            for (int lane0 = 0; lane0 < count; lane0 += LANES) {
                int lanes = Math.min(LANES, count - lane0);
                walk(root[t], height[t], x, lane0 * width, at, lanes);
                for (int u = t; u < end; u++) {
                    double[] o = out[treeClass[u]];
                    int d = root[u] - root[t];
                    for (int j = 0; j < lanes; j++) {
                        o[from + lane0 + j] += tv[at[j] + d];
                    }
                }
            }
            t = end;
        }
    }

    /**
     * Walks {@code lanes} rows (row-major in {@code x} from {@code offset}) down one tree, leaving each row's
     * leaf in {@code at}. A method of its own so the JIT compiles this loop on its own profile.
     */
    private void walk(int start, int steps, double[] x, int offset, int[] at, int lanes) {
        if (steps == 0) {
            Arrays.fill(at, 0, lanes, start);
            return;
        }
        // the first step: every row stands on the root
        long r = node[start];
        int first = (int) (r >>> 32);
        int slot = (int) r;
        double t = tv[start];
        for (int j = 0, row = offset + slot; j < lanes; j++, row += width) {
            at[j] = first + (x[row] <= t ? 0 : 1);
        }
        for (int s = 1; s < steps; s++) {
            for (int j = 0, row = offset; j < lanes; j++, row += width) {
                int n = at[j];
                long p = node[n];
                at[j] = (int) (p >>> 32) + (x[row + (int) p] <= tv[n] ? 0 : 1);
            }
        }
    }

    private boolean leaf(int k) {
        return (int) (node[k] >>> 32) == k;
    }

    private boolean pass(int k) {
        return !leaf(k) && (int) node[k] == width - 1;
    }

    /** The node a child slot stands for: a pass's target, or the node itself. */
    private int resolve(int k) {
        return pass(k) ? (int) (node[k] >>> 32) : k;
    }

    /**
     * The nodes for a file: each tree's in depth-first order, left before right (the reverse of a post-order
     * that visits the right child first), so every child follows all its parents even where a node has several;
     * passes resolved to their node. A tree given twice is written once, both roots pointing at it.
     */
    NodeArrays export() {
        int placed = node.length;
        int[] number = new int[placed];
        Arrays.fill(number, -1);
        int[] order = new int[placed - passes];
        int written = 0;
        // 0 unseen, 1 its children pending, 2 done
        byte[] state = new byte[placed];
        // a node pushes its children once: at most two entries per node; it grows as the trees need
        int[] stack = new int[64];
        int[] roots = new int[root.length];
        for (int t = 0; t < root.length; t++) {
            if (state[root[t]] == 0) {
                int first = written;
                int top = 0;
                stack[top++] = root[t];
                while (top > 0) {
                    int k = stack[top - 1];
                    if (state[k] == 2) {
                        top--;
                    } else if (state[k] == 1 || leaf(k)) {
                        state[k] = 2;
                        top--;
                        order[written++] = k;
                    } else {
                        state[k] = 1;
                        if (top + 2 > stack.length) {
                            stack = Arrays.copyOf(stack, 2 * stack.length);
                        }
                        int l = resolve((int) (node[k] >>> 32));
                        int r = resolve((int) (node[k] >>> 32) + 1);
                        // the right child on top, so finished first: reversed below, the left comes first
                        if (state[l] == 0) {
                            stack[top++] = l;
                        }
                        if (state[r] == 0) {
                            stack[top++] = r;
                        }
                    }
                }
                // this tree's post-order, reversed: parents before children
                for (int a = first, b = written - 1; a < b; a++, b--) {
                    int s = order[a];
                    order[a] = order[b];
                    order[b] = s;
                }
                for (int i = first; i < written; i++) {
                    number[order[i]] = i;
                }
            }
            roots[t] = number[root[t]];
        }
        int n = written;
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        boolean[] nanLeft = new boolean[n];
        double[] value = new double[n];
        for (int i = 0; i < n; i++) {
            int k = order[i];
            if (leaf(k)) {
                feature[i] = -1;
                value[i] = tv[k];
            } else {
                int slot = (int) node[k];
                feature[i] = slots.feature(slot);
                nanLeft[i] = slots.nanLeft(slot);
                threshold[i] = tv[k];
                left[i] = number[resolve((int) (node[k] >>> 32))];
                right[i] = number[resolve((int) (node[k] >>> 32) + 1)];
            }
        }
        return new NodeArrays(roots, feature, threshold, left, right, nanLeft, value);
    }

    /**
     * Per node, the steps to the deepest leaf below it. A pass may point back to a node placed before it, so
     * this is a depth-first walk with a stack rather than one pass in order; the layout has no cycle, as the
     * ensemble's children follow their parents.
     */
    private int[] heights() {
        int placed = node.length;
        int[] h = new int[placed];
        Arrays.fill(h, -1);
        // a node pushes its children once, when it first waits on them; the stack grows as the layout needs
        int[] stack = new int[64];
        for (int start = 0; start < placed; start++) {
            if (h[start] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            while (top > 0) {
                int k = stack[top - 1];
                if (h[k] >= 0) {
                    top--;
                    continue;
                }
                if (leaf(k)) {
                    h[k] = 0;
                    top--;
                    continue;
                }
                int l = (int) (node[k] >>> 32);
                boolean pass = pass(k);
                int a = h[l];
                int b = pass ? a : h[l + 1];
                if (a >= 0 && b >= 0) {
                    h[k] = 1 + Math.max(a, b);
                    top--;
                } else {
                    if (top + 2 > stack.length) {
                        stack = Arrays.copyOf(stack, 2 * stack.length);
                    }
                    if (a < 0) {
                        stack[top++] = l;
                    }
                    if (!pass && b < 0) {
                        stack[top++] = l + 1;
                    }
                }
            }
        }
        return h;
    }
}
