package dev.canopy.model;

import dev.canopy.error.InvalidInputException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Writes Smile models with Java serialization and reads them back through an {@link ObjectInputFilter}
 * allow-list. Models come from buckets other people can write to, and deserializing an arbitrary class
 * is a remote-code-execution risk: only Smile's model packages, the JDK value types and arrays they are
 * made of are accepted, with limits on depth, references and bytes.
 */
public final class ModelCodec {

    /**
     * The allow-list, in {@link ObjectInputFilter.Config#createFilter} syntax; everything else is rejected.
     * Array lengths and stream bytes are further limited by {@link #read} to what the file's own size can
     * hold, since the JDK allocates an array at its declared length before it reads any element.
     */
    public static final String ALLOWED = String.join(";",
            "maxdepth=64", "maxrefs=20000000", "maxbytes=1073741824", "maxarray=200000000",
            "smile.regression.*", "smile.model.cart.*", "smile.data.formula.*", "smile.data.type.*",
            "smile.data.measure.*", "smile.validation.metric.*", "smile.validation.*",
            "java.lang.Object", "java.util.Map$Entry", "java.lang.Enum", "java.lang.Number", "java.lang.Integer", "java.lang.Long", "java.lang.Double",
            "java.lang.Float", "java.lang.Boolean", "java.lang.String", "java.lang.Record",
            "java.util.ArrayList", "java.util.Arrays$ArrayList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.ImmutableCollections$*", "java.util.CollSer", "java.util.Collections$*",
            "java.util.BitSet", "java.util.Optional",
            "!*");

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(ALLOWED);

    private ModelCodec() {
    }

    public static byte[] write(Object model) {
        BlockOutput bytes = new BlockOutput();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize model " + model.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a model through the allow-list. Every element of an array takes at least one byte of the stream,
     * so no array may declare more elements than the file has bytes: a forged file of a few bytes cannot
     * make the reader allocate more than a few times its own size.
     */
    public static Object read(String uri, byte[] data) {
        return read(uri, data, FILTER);
    }

    /**
     * {@link #read} for a model whose object graph is deeper than the allow-list's 64 levels: each level of a
     * tree is one more, and an unbounded tree on many rows goes deeper than that (a forest's share written by
     * another trainer of the same run). Reads on a thread of its own with a stack sized for {@code maxDepth}
     * levels, so that a forged graph that deep cannot overflow the caller's stack.
     */
    public static Object readDeep(String uri, byte[] data, int maxDepth) {
        ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(
                ALLOWED.replace("maxdepth=64", "maxdepth=" + Math.max(64, maxDepth)));
        Object[] result = new Object[1];
        RuntimeException[] failure = new RuntimeException[1];
        // about 1 KB of stack a level, doubled; never less than a platform thread's usual 1 MB
        long stack = Math.max(1L << 20, 2048L * Math.max(64, maxDepth));
        Thread t = Thread.ofPlatform().name("canopy-model-read").stackSize(stack).unstarted(() -> {
            try {
                result[0] = read(uri, data, filter);
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + uri, e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    private static Object read(String uri, byte[] data, ObjectInputFilter filter) {
        String[] rejected = new String[1];
        long maxArray = data.length;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status s = info.arrayLength() > maxArray ? ObjectInputFilter.Status.REJECTED
                        : filter.checkInput(info);
                if (s == ObjectInputFilter.Status.REJECTED && rejected[0] == null) {
                    rejected[0] = info.arrayLength() > maxArray ? "an array of " + info.arrayLength()
                            + " elements in a file of " + data.length + " bytes"
                            : info.serialClass() != null ? "class " + info.serialClass().getName()
                            : "a limit (depth " + info.depth() + ", references " + info.references()
                            + ", bytes " + info.streamBytes() + ", array " + info.arrayLength() + ")";
                }
                return s;
            });
            return in.readObject();
        } catch (InvalidClassException e) {
            throw new InvalidInputException("modelUri", uri, "model rejected: " + rejected[0]
                    + " is not allowed (only Smile regression models are accepted)");
        } catch (OutOfMemoryError e) {
            // the limits above make this unreachable for one file; several at once may still meet a full heap
            throw new InvalidInputException("modelUri", uri, "model too large for this function's memory ("
                    + data.length + " bytes): " + e.getMessage());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new InvalidInputException("modelUri", uri, "not a readable model: " + e);
        }
    }
}
