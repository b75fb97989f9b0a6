package dev.canopy.training;

import smile.math.MathEx;
import smile.model.cart.CART;
import smile.model.cart.InternalNode;
import smile.model.cart.LeafNode;
import smile.model.cart.Node;
import smile.model.cart.Split;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * Smile's split of a tree node ({@code CART.split}), done without its cost per row of the whole tree. Smile's
 * allocates a flag for every row of the tree at every node it splits, and sorts the node's rows into its
 * children through two streams. A tree has about as many nodes as rows over the leaf size, so that step costs
 * rows × nodes: in the California housing forest the flags alone were a quarter of the CPU samples (JFR,
 * {@code bench tree}), and at 1 M rows most of the trainers' allocation. Here a tree keeps one flag array and
 * one scratch array, clears only the flags it set, and partitions with plain loops; the sort orders of columns
 * the node can no longer split on are left as they are, since nothing below the node reads them.
 *
 * <p>Invariant: the tree is the one Smile grows, node for node, for the same rows, orders and random seed. The
 * rows reach each child in the same order (so every node's sums are added in the same order), the children's
 * best splits are searched by Smile's own {@code findBestSplit} on the same ranges, and the random draws happen
 * in the same sequence. {@code LeanTreesTest} compares the saved forms of both, byte for byte.
 *
 * <p>Smile's {@code Split} and {@code InternalNode} keep the fields a split needs package-private; they are
 * reached through {@link VarHandle}s (registered for native images in {@code NativeImageRegistration}). One
 * instance per tree; a tree grows on one thread.
 */
final class LeanSplit {
    private static final VarHandle LO;
    private static final VarHandle HI;
    private static final VarHandle DEPTH;
    private static final VarHandle TRUE_COUNT;
    private static final VarHandle FALSE_COUNT;
    private static final VarHandle LEAF;
    private static final VarHandle PARENT;
    private static final VarHandle UNSPLITTABLE;
    private static final VarHandle TRUE_CHILD;
    private static final VarHandle FALSE_CHILD;
    private static final VarHandle ROOT;
    private static final VarHandle IMPORTANCE;

    static {
        try {
            MethodHandles.Lookup split = MethodHandles.privateLookupIn(Split.class, MethodHandles.lookup());
            LO = split.findVarHandle(Split.class, "lo", int.class);
            HI = split.findVarHandle(Split.class, "hi", int.class);
            DEPTH = split.findVarHandle(Split.class, "depth", int.class);
            TRUE_COUNT = split.findVarHandle(Split.class, "trueCount", int.class);
            FALSE_COUNT = split.findVarHandle(Split.class, "falseCount", int.class);
            LEAF = split.findVarHandle(Split.class, "leaf", LeafNode.class);
            PARENT = split.findVarHandle(Split.class, "parent", InternalNode.class);
            UNSPLITTABLE = split.findVarHandle(Split.class, "unsplittable", boolean[].class);
            MethodHandles.Lookup node = MethodHandles.privateLookupIn(InternalNode.class, MethodHandles.lookup());
            TRUE_CHILD = node.findVarHandle(InternalNode.class, "trueChild", Node.class);
            FALSE_CHILD = node.findVarHandle(InternalNode.class, "falseChild", Node.class);
            MethodHandles.Lookup cart = MethodHandles.privateLookupIn(CART.class, MethodHandles.lookup());
            ROOT = cart.findVarHandle(CART.class, "root", Node.class);
            IMPORTANCE = cart.findVarHandle(CART.class, "importance", double[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("Smile's CART no longer has the fields LeanSplit splits with: " + e);
        }
    }

    /** CART's {@code findBestSplit(node, lo, hi, unsplittable)}, protected: passed in by the tree. */
    @FunctionalInterface
    interface BestSplit {
        Optional<Split> find(LeafNode node, int lo, int hi, boolean[] unsplittable);
    }

    /** CART's {@code findBestSplit(node, column, impurity, lo, hi)}: the best split of a node on one column. */
    @FunctionalInterface
    interface ColumnSplit {
        Optional<Split> find(LeafNode node, int column, double impurity, int lo, int hi);
    }

    /**
     * CART's {@code findBestSplit(node, lo, hi, unsplittable)} for a random subset of {@code mtry < p} columns (a
     * forest's tree), with a loop where Smile builds five streams per node: the same checks, the same
     * permutation of the splittable columns (so the same random draws), the first of equal scores kept, as
     * {@code Stream.max} keeps it, and the columns with no split marked unsplittable.
     */
    static Optional<Split> bestOfSubset(LeafNode node, int lo, int hi, boolean[] unsplittable, int mtry, int p,
                                        int nodeSize, ToDoubleFunction<LeafNode> impurityOf, ColumnSplit column) {
        if (node.size() < 2 * nodeSize) {
            return Optional.empty();
        }
        double impurity = impurityOf.applyAsDouble(node);
        if (impurity == 0) {
            return Optional.empty();
        }
        int[] columns = new int[p];
        int n = 0;
        for (int j = 0; j < p; j++) {
            if (!unsplittable[j]) {
                columns[n++] = j;
            }
        }
        columns = n == p ? columns : Arrays.copyOf(columns, n);
        MathEx.permutate(columns);
        Split best = null;
        for (int i = 0, end = Math.min(mtry, n); i < end; i++) {
            Optional<Split> s = column.find(node, columns[i], impurity, lo, hi);
            if (s.isEmpty()) {
                unsplittable[columns[i]] = true;
            } else if (best == null || Split.comparator.compare(best, s.get()) < 0) {
                best = s.get();
            }
        }
        if (best != null) {
            UNSPLITTABLE.set(best, unsplittable);
        }
        return Optional.ofNullable(best);
    }

    /** CART's {@code index}: the rows of each node, node by node; partitioned in place, never replaced. */
    private final int[] index;
    /** CART's {@code order}: per column, each node's rows sorted by value (null for a nominal column). */
    private final int[][] order;
    private final int maxDepth;
    private final int nodeSize;
    /** CART's {@code newNode}: the leaf of these rows. */
    private final Function<int[], LeafNode> leaf;
    private final BestSplit bestSplit;
    /** The tree's own {@code split(split, null)}: depth first. */
    private final Consumer<Split> splitDepthFirst;
    /** Sets CART's {@code root}. */
    private final Consumer<Node> root;
    /** CART's {@code importance}, which each split adds to. */
    private final double[] importance;

    /**
     * {@code goesTrue[row]}: 1 if the row goes to the true child of the node being split, else 0; all 0 between
     * splits.
     */
    private final byte[] goesTrue;
    /** Scratch: the rows a partition moves to the false side. */
    private final int[] scratch;

    /**
     * For a tree whose CART fields and protected methods are these (CART's protected members only the tree can
     * reach); {@code rows} is its {@code samples.length}.
     */
    LeanSplit(int rows, int[] index, int[][] order, int maxDepth, int nodeSize, Function<int[], LeafNode> leaf,
              BestSplit bestSplit, Consumer<Split> splitDepthFirst, Consumer<Node> root, double[] importance) {
        this.goesTrue = new byte[rows];
        this.scratch = new int[rows];
        this.index = index;
        this.order = order;
        this.maxDepth = maxDepth;
        this.nodeSize = nodeSize;
        this.leaf = leaf;
        this.bestSplit = bestSplit;
        this.splitDepthFirst = splitDepthFirst;
        this.root = root;
        this.importance = importance;
    }

    /** CART's {@code split(split, queue)}. */
    boolean split(Split split, PriorityQueue<Split> queue) {
        int depth = (int) DEPTH.get(split);
        if (depth >= maxDepth || (int) TRUE_COUNT.get(split) < nodeSize || (int) FALSE_COUNT.get(split) < nodeSize) {
            return false;
        }
        int lo = (int) LO.get(split);
        int hi = (int) HI.get(split);
        IntPredicate test = split.predicate();
        int trues = 0;
        for (int i = lo; i < hi; i++) {
            int row = index[i];
            int toTrue = test.test(row) ? 1 : 0;
            goesTrue[row] = (byte) toTrue;
            trues += toTrue;
        }
        int mid = lo + trues;

        boolean[] unsplittable = (boolean[]) UNSPLITTABLE.get(split);
        for (int j = 0; j < order.length; j++) {
            // a column this node cannot split on is never searched below it, so its order there is never read
            if (order[j] != null && !unsplittable[j]) {
                partition(order[j], lo, mid, hi);
            }
        }
        partition(index, lo, mid, hi);
        // each child's rows in the order they had in the node, as Smile's split gives them
        int[] trueRows = Arrays.copyOfRange(index, lo, mid);
        int[] falseRows = Arrays.copyOfRange(index, mid, hi);
        for (int row : trueRows) {
            goesTrue[row] = 0;
        }
        LeafNode trueChild = leaf.apply(trueRows);
        LeafNode falseChild = leaf.apply(falseRows);
        InternalNode node = split.toNode(trueChild, falseChild);

        Optional<Split> trueSplit = bestSplit.find(trueChild, lo, mid, unsplittable.clone());
        Optional<Split> falseSplit = bestSplit.find(falseChild, mid, hi, unsplittable);
        // as Smile: two leaves alike with nothing to split below are no split
        if (trueChild.equals(falseChild) && trueSplit.isEmpty() && falseSplit.isEmpty()) {
            return false;
        }
        InternalNode parent = (InternalNode) PARENT.get(split);
        LeafNode splitLeaf = (LeafNode) LEAF.get(split);
        if (parent == null) {
            root.accept(node);
        } else if (TRUE_CHILD.get(parent) == splitLeaf) {
            TRUE_CHILD.set(parent, node);
        } else if (FALSE_CHILD.get(parent) == splitLeaf) {
            FALSE_CHILD.set(parent, node);
        } else {
            throw new IllegalStateException("a split's parent does not hold its leaf");
        }
        importance[node.feature()] += node.score();
        trueSplit.ifPresent(s -> below(s, node, depth));
        falseSplit.ifPresent(s -> below(s, node, depth));
        if (queue == null) {
            trueSplit.ifPresent(splitDepthFirst);
            falseSplit.ifPresent(splitDepthFirst);
        } else {
            trueSplit.ifPresent(queue::add);
            falseSplit.ifPresent(queue::add);
        }
        return true;
    }

    private static void below(Split child, InternalNode parent, int depth) {
        PARENT.set(child, parent);
        DEPTH.set(child, depth + 1);
    }

    /**
     * Moves the rows of {@code a[lo, hi)} that go to the true child to {@code a[lo, mid)}, the others to
     * {@code a[mid, hi)}, each side in its order before.
     */
    private void partition(int[] a, int lo, int mid, int hi) {
        int t = lo;
        int f = 0;
        // Without a branch: which side a row goes to is a coin toss the CPU would mispredict half the time (this
        // loop was a quarter of the forest's samples). Each row is written to both sides and only the count of
        // its own side moves on; a[t] is safe to write, since t <= i and a[i] has been read.
        for (int i = lo; i < hi; i++) {
            int row = a[i];
            int toTrue = goesTrue[row];
            a[t] = row;
            scratch[f] = row;
            t += toTrue;
            f += 1 - toTrue;
        }
        System.arraycopy(scratch, 0, a, mid, f);
    }

    /** Gives {@code plain}, a tree of the same settings grown on one row, the nodes of {@code grown}. */
    static <T extends CART> T transplant(CART grown, T plain) {
        ROOT.set(plain, grown.root());
        IMPORTANCE.set(plain, grown.importance());
        return plain;
    }
}
