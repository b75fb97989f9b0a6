package dev.canopy.model;

import dev.canopy.error.InvalidInputException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The predictor's model format: a {@link TreeEnsemble}'s arrays, and nothing that can run code. Models are
 * read from buckets other people can write to; Java deserialization of a Smile model, even through an
 * allow-list ({@link ModelCodec}), still runs the constructors and {@code readObject} methods of whatever
 * allowed classes a file names. This format is numbers only, read with every length bounded by the bytes
 * present and every node checked, so a hostile file can only be refused. The training tree writes it
 * beside the Smile model ({@code x.trees} next to {@code x.model}) and hands it out as the model URI.
 *
 * <p>Layout, big-endian: the magic {@code CANOPY-TREES}, the version, features, base, scale, (version 2 and
 * later: the output, 0 identity, 1 sigmoid, 2 softmax), the tree count and roots, (version 3: the classifier's
 * {@link ClassLayout}: the class count; 1 when each tree has a class, then each tree's class and each class's
 * base margin, else 0; the label count, 0 or the class count, then each label as its UTF-8 length and bytes),
 * the node count, then per node array: feature, threshold, left, right, value, and (version 2 and later) one
 * byte per node, 1 when a gap goes left. Each file is written in the oldest version that holds it: version 1
 * for a regression whose gaps all go right and whose output is the margin, version 2 for other regressions
 * (and binary models read as such by readers before version 3), version 3 for classifiers. Every version is
 * read.
 */
public final class TreeCodec {
    private static final byte[] MAGIC = "CANOPY-TREES".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 3;
    /** The longest class label, in UTF-8 bytes. */
    static final int MAX_LABEL_BYTES = 1024;
    /** Bytes one node takes: feature, left and right ints, threshold and value doubles. */
    private static final int NODE_BYTES = 3 * Integer.BYTES + 2 * Double.BYTES;

    private TreeCodec() {
    }

    /** Whether {@code bytes} start with this format's magic. */
    public static boolean hasMagic(byte[] bytes) {
        return bytes != null && bytes.length >= MAGIC.length
                && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    public static byte[] write(TreeEnsemble e) {
        // room for the nodes and their gap flags, so a regression's array never grows; buffered, since every value
        // written straight to a ByteArrayOutputStream takes its lock
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + e.nodes() * (NODE_BYTES + 1) + e.trees() * 4);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes, 1 << 16))) {
            ClassLayout classes = e.classLayout();
            int version = classes != null ? 3 : e.anyNanLeft() || e.output() != TreeEnsemble.Output.IDENTITY ? 2 : 1;
            boolean v2 = version >= 2;
            out.write(MAGIC);
            out.writeInt(version);
            out.writeInt(e.features());
            out.writeDouble(e.base());
            out.writeDouble(e.scale());
            if (v2) {
                out.writeInt(e.output().ordinal());
            }
            LockStepWalk.NodeArrays a = e.nodeArrays();
            out.writeInt(a.roots().length);
            for (int r : a.roots()) {
                out.writeInt(r);
            }
            if (classes != null) {
                writeClasses(out, classes);
            }
            out.writeInt(a.feature().length);
            for (int v : a.feature()) {
                out.writeInt(v);
            }
            for (double v : a.threshold()) {
                out.writeDouble(v);
            }
            for (int v : a.left()) {
                out.writeInt(v);
            }
            for (int v : a.right()) {
                out.writeInt(v);
            }
            for (double v : a.value()) {
                out.writeDouble(v);
            }
            if (v2) {
                for (boolean b : a.nanLeft()) {
                    out.writeByte(b ? 1 : 0);
                }
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    private static void writeClasses(DataOutputStream out, ClassLayout classes) throws IOException {
        out.writeInt(classes.classes());
        out.writeInt(classes.perClass() ? 1 : 0);
        if (classes.perClass()) {
            for (int c : classes.treeClass()) {
                out.writeInt(c);
            }
            for (double b : classes.base()) {
                out.writeDouble(b);
            }
        }
        List<String> labels = classes.labels() == null ? List.of() : classes.labels();
        out.writeInt(labels.size());
        for (String label : labels) {
            byte[] b = label.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_LABEL_BYTES) {
                throw new IllegalArgumentException("class label " + label.substring(0, 40) + "… is over "
                        + MAX_LABEL_BYTES + " bytes");
            }
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** Reads and checks a tree file; anything malformed is an {@link InvalidInputException} on {@code modelUri}. */
    public static TreeEnsemble read(String uri, byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw bad(uri, "not a Canopy tree file (no CANOPY-TREES header)");
            }
            int version = in.getInt();
            if (version < 1 || version > VERSION) {
                throw bad(uri, "tree file version " + version + " is not supported (this reader knows 1 to " + VERSION + ")");
            }
            int features = in.getInt();
            double base = in.getDouble();
            double scale = in.getDouble();
            if (features < 1 || features > 100_000 || !Double.isFinite(base) || !Double.isFinite(scale)) {
                throw bad(uri, "implausible header: features " + features + ", base " + base + ", scale " + scale);
            }
            TreeEnsemble.Output output = TreeEnsemble.Output.IDENTITY;
            if (version >= 2) {
                int o = in.getInt();
                if (o < 0 || o >= TreeEnsemble.Output.values().length) {
                    throw bad(uri, "unknown output transform " + o);
                }
                output = TreeEnsemble.Output.values()[o];
            }
            int trees = count(uri, in, "trees", Integer.BYTES);
            int[] roots = new int[trees];
            for (int i = 0; i < trees; i++) {
                roots[i] = in.getInt();
            }
            ClassLayout classes = version >= 3 ? readClasses(uri, in, trees) : null;
            if (output == TreeEnsemble.Output.SOFTMAX && (classes == null || !classes.perClass())) {
                throw bad(uri, "a softmax output without a class per tree");
            }
            int nodes = count(uri, in, "nodes", version >= 2 ? NODE_BYTES + 1 : NODE_BYTES);
            int[] feature = new int[nodes];
            double[] threshold = new double[nodes];
            int[] left = new int[nodes];
            int[] right = new int[nodes];
            double[] value = new double[nodes];
            for (int i = 0; i < nodes; i++) {
                feature[i] = in.getInt();
            }
            for (int i = 0; i < nodes; i++) {
                threshold[i] = in.getDouble();
            }
            for (int i = 0; i < nodes; i++) {
                left[i] = in.getInt();
            }
            for (int i = 0; i < nodes; i++) {
                right[i] = in.getInt();
            }
            for (int i = 0; i < nodes; i++) {
                value[i] = in.getDouble();
            }
            boolean[] nanLeft = new boolean[nodes];
            if (version >= 2) {
                for (int i = 0; i < nodes; i++) {
                    byte b = in.get();
                    if (b != 0 && b != 1) {
                        throw bad(uri, "node " + i + " has gap direction " + b + " (0 right, 1 left)");
                    }
                    nanLeft[i] = b == 1;
                }
            }
            if (in.hasRemaining()) {
                throw bad(uri, in.remaining() + " bytes after the last node");
            }
            for (int r : roots) {
                if (r < 0 || r >= nodes) {
                    throw bad(uri, "a tree root points at node " + r + " of " + nodes);
                }
            }
            // Children always come after their parent (the trees are laid out depth first), so every walk
            // ends: a file with a cycle or a dangling child is refused here rather than hanging a predictor.
            for (int i = 0; i < nodes; i++) {
                if (feature[i] >= features) {
                    throw bad(uri, "node " + i + " splits on feature " + feature[i] + " of " + features);
                }
                if (feature[i] >= 0 && (left[i] <= i || left[i] >= nodes || right[i] <= i || right[i] >= nodes)) {
                    throw bad(uri, "node " + i + " has children " + left[i] + " and " + right[i] + "; they must follow it");
                }
                if (feature[i] < 0 && !Double.isFinite(value[i])) {
                    throw bad(uri, "leaf " + i + " holds " + value[i]);
                }
                if (feature[i] >= 0 && Double.isNaN(threshold[i])) {
                    throw bad(uri, "node " + i + " has no threshold (NaN)");
                }
            }
            return new TreeEnsemble(roots, feature, threshold, left, right, nanLeft, value, base, scale, features, output,
                    classes);
        } catch (BufferUnderflowException e) {
            throw bad(uri, "truncated tree file (" + data.length + " bytes)");
        }
    }

    /** Version 3's class layout; every count bounded by the bytes left, every value checked. */
    private static ClassLayout readClasses(String uri, ByteBuffer in, int trees) {
        int k = in.getInt();
        if (k < 2 || k > ClassLayout.MAX_CLASSES) {
            throw bad(uri, "a classifier of " + k + " classes (2 to " + ClassLayout.MAX_CLASSES + " are read)");
        }
        int perClass = in.getInt();
        if (perClass != 0 && perClass != 1) {
            throw bad(uri, "class layout flag " + perClass + " (0 one output, 1 a class per tree)");
        }
        int[] treeClass = null;
        double[] base = null;
        if (perClass == 1) {
            if ((long) trees * Integer.BYTES + (long) k * Double.BYTES > in.remaining()) {
                throw bad(uri, "declares " + k + " classes over " + trees + " trees but holds " + in.remaining() + " more bytes");
            }
            treeClass = new int[trees];
            for (int t = 0; t < trees; t++) {
                treeClass[t] = in.getInt();
                if (treeClass[t] < 0 || treeClass[t] >= k) {
                    throw bad(uri, "tree " + t + " belongs to class " + treeClass[t] + " of " + k);
                }
            }
            base = new double[k];
            for (int c = 0; c < k; c++) {
                base[c] = in.getDouble();
                if (!Double.isFinite(base[c])) {
                    throw bad(uri, "class " + c + " has base margin " + base[c]);
                }
            }
        } else if (k != 2) {
            throw bad(uri, "one output for " + k + " classes; only a binary classifier has one");
        }
        int count = count(uri, in, "class labels", Integer.BYTES);
        if (count != 0 && count != k) {
            throw bad(uri, count + " class labels for " + k + " classes");
        }
        List<String> labels = count == 0 ? null : new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            int bytes = count(uri, in, "bytes in class label " + c, 1);
            if (bytes > MAX_LABEL_BYTES) {
                throw bad(uri, "class label " + c + " is " + bytes + " bytes long (at most " + MAX_LABEL_BYTES + ")");
            }
            byte[] b = new byte[bytes];
            in.get(b);
            labels.add(new String(b, StandardCharsets.UTF_8));
        }
        try {
            return new ClassLayout(k, treeClass, base, labels);
        } catch (IllegalArgumentException e) {
            throw bad(uri, e.getMessage());
        }
    }

    /** A count read from the file, no larger than the bytes that are left could hold. */
    private static int count(String uri, ByteBuffer in, String what, int bytesEach) {
        int n = in.getInt();
        if (n < 0 || (long) n * bytesEach > in.remaining()) {
            throw bad(uri, "declares " + n + " " + what + " but holds " + in.remaining() + " more bytes");
        }
        return n;
    }

    private static InvalidInputException bad(String uri, String why) {
        return new InvalidInputException("modelUri", uri, why);
    }
}
