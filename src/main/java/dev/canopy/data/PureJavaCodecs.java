package dev.canopy.data;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet's page codecs in pure Java: Snappy, ZSTD and LZ4_RAW from aircompressor, GZIP from the JDK, used
 * by {@link ParquetFile} and {@link ParquetWriterLite} (and, in tests, plugged into parquet-java). It stands
 * in for parquet-hadoop's codecs, which go through Hadoop to snappy-java and zstd-jni: native libraries for
 * every platform (8.5 MB of the function package) that need JNI configuration in a native image. These are
 * the codecs pyarrow, Spark and DuckDB write; the legacy Hadoop-framed LZ4, LZO and Brotli are refused with a
 * clear error.
 *
 * <p>Stateless apart from the codec objects, which aircompressor makes thread-safe; one shared instance.
 */
public final class PureJavaCodecs implements CompressionCodecFactory {
    public static final PureJavaCodecs INSTANCE = new PureJavaCodecs();

    private PureJavaCodecs() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return compressor(codec.name());
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return decompressor(codec.name());
    }

    // Canopy's own code goes through the names, never through CompressionCodecName: that enum's static
    // initialiser needs parquet-format's Thrift classes, which the function package leaves out.

    /** A compressor for a codec by its Parquet name (SNAPPY, ZSTD, LZ4_RAW, GZIP or UNCOMPRESSED). */
    public BytesInputCompressor compressor(String codec) {
        return switch (codec) {
            case "UNCOMPRESSED" -> new Raw(codec, null);
            case "SNAPPY" -> new Raw(codec, SnappyCompressor::new);
            case "ZSTD" -> new Raw(codec, ZstdCompressor::new);
            case "LZ4_RAW" -> new Raw(codec, Lz4Compressor::new);
            case "GZIP" -> new Gzip();
            default -> throw unsupported(codec);
        };
    }

    /** A decompressor for a codec by its Parquet name. */
    ArrayDecompressor decompressor(String codec) {
        return switch (codec) {
            case "UNCOMPRESSED" -> new Inflate(null);
            case "SNAPPY" -> new Inflate(SnappyDecompressor::new);
            case "ZSTD" -> new Inflate(ZstdDecompressor::new);
            case "LZ4_RAW" -> new Inflate(Lz4Decompressor::new);
            case "GZIP" -> new Gunzip();
            default -> throw unsupported(codec);
        };
    }

    @Override
    public void release() {
    }

    private static UnsupportedCodecException unsupported(String codec) {
        return new UnsupportedCodecException("Parquet compression " + codec + " is not supported; use SNAPPY, ZSTD,"
                + " GZIP, LZ4_RAW or none (pyarrow's default is SNAPPY)");
    }

    /** A page compressed with a codec this factory does not read. */
    public static final class UnsupportedCodecException extends IllegalArgumentException {
        UnsupportedCodecException(String message) {
            super(message);
        }
    }

    private record Raw(String codec, Supplier<Compressor> compressor) implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            if (compressor == null) {
                return bytes;
            }
            byte[] in = bytes.toByteArray();
            Compressor c = compressor.get();
            byte[] out = new byte[c.maxCompressedLength(in.length)];
            int n = c.compress(in, 0, in.length, out, 0, out.length);
            return BytesInput.from(out, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.valueOf(codec);
        }

        @Override
        public void release() {
        }
    }

    /**
     * A decompressor over byte arrays. Canopy's reader calls the array method on a page's place in its column
     * chunk, with no copy in between; parquet-java's {@code BytesInput} and buffer variants go through it.
     */
    interface ArrayDecompressor extends BytesInputDecompressor {
        /** Decompresses {@code in[off, off + len)}, which the page header says holds {@code size} bytes. */
        byte[] decompress(byte[] in, int off, int len, int size) throws IOException;

        @Override
        default BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            return BytesInput.from(decompress(in, 0, in.length, uncompressedSize));
        }

        @Override
        default void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(in, 0, in.length, uncompressedSize));
        }

        @Override
        default void release() {
        }
    }

    private record Inflate(Supplier<Decompressor> decompressor) implements ArrayDecompressor {
        @Override
        public byte[] decompress(byte[] in, int off, int len, int size) throws IOException {
            if (decompressor == null) {
                return Arrays.copyOfRange(in, off, off + len);
            }
            byte[] out = new byte[size];
            int n;
            try {
                n = decompressor.get().decompress(in, off, len, out, 0, out.length);
            } catch (MalformedInputException | ArrayIndexOutOfBoundsException e) {
                throw new IOException("corrupt compressed page: " + e.getMessage(), e);
            }
            if (n != size) {
                throw new IOException("corrupt compressed page: " + n + " bytes decompressed, the header says " + size);
            }
            return out;
        }
    }

    private static final class Gzip implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                bytes.writeAllTo(gz);
            }
            return BytesInput.from(out.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {
        }
    }

    private static final class Gunzip implements ArrayDecompressor {
        @Override
        public byte[] decompress(byte[] bytes, int off, int len, int size) throws IOException {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes, off, len))) {
                byte[] out = in.readNBytes(size);
                if (out.length != size) {
                    throw new IOException("corrupt compressed page: " + out.length + " bytes decompressed, the header says "
                            + size);
                }
                return out;
            }
        }
    }
}
