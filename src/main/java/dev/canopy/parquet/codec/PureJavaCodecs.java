package dev.canopy.parquet.codec;

import dev.canopy.parquet.ParquetException;

import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.lz4.Lz4HadoopStreams;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import org.brotli.dec.BrotliInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Parquet's page codecs in pure Java: Snappy, ZSTD, LZ4_RAW and Hadoop-framed LZ4 from aircompressor, GZIP
 * from the JDK, BROTLI from Google's {@code org.brotli:dec}; used by {@link ParquetFile} to read and by
 * {@link ParquetWriterLite} to write (SNAPPY). They stand in for parquet-hadoop's codecs, which go through
 * Hadoop to snappy-java, zstd-jni and brotli4j: native libraries for every platform that need JNI
 * configuration in a native image. Only LZO, which no current writer uses, is refused.
 *
 * <p>Stateless; the codec objects are made per page (aircompressor's are cheap and not shared).
 */
public final class PureJavaCodecs {
    public static final PureJavaCodecs INSTANCE = new PureJavaCodecs();

    private PureJavaCodecs() {
    }

    /** Snappy-compresses a page, as {@link ParquetWriterLite} writes them. */
    public byte[] snappy(byte[] page) {
        SnappyCompressor c = new SnappyCompressor();
        byte[] out = new byte[c.maxCompressedLength(page.length)];
        int n = c.compress(page, 0, page.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    /** A decompressor for a codec by its Parquet name (as in {@code CompressionCodecName}). */
    public ArrayDecompressor decompressor(String codec) {
        return switch (codec) {
            case "UNCOMPRESSED" -> new Inflate(null);
            case "SNAPPY" -> new Inflate(SnappyDecompressor::new);
            case "ZSTD" -> (in, off, len, size) -> {
                // a frame states its content size: a page header that claims another is refused before allocating
                long declared;
                try {
                    declared = ZstdDecompressor.getDecompressedSize(in, off, len);
                } catch (RuntimeException e) {
                    throw new IOException("corrupt compressed page: " + e.getMessage(), e);
                }
                if (declared >= 0 && declared != size) {
                    throw new IOException("corrupt compressed page: its ZSTD frame holds " + declared
                            + " bytes, the header says " + size);
                }
                return new Inflate(ZstdDecompressor::new).decompress(in, off, len, size);
            };
            case "LZ4_RAW" -> new Inflate(Lz4Decompressor::new);
            case "LZ4" -> PureJavaCodecs::hadoopLz4;
            case "GZIP" -> (in, off, len, size) -> stream(new GZIPInputStream(new ByteArrayInputStream(in, off, len)), size);
            case "BROTLI" -> (in, off, len, size) -> stream(new BrotliInputStream(new ByteArrayInputStream(in, off, len)), size);
            default -> throw new UnsupportedCodecException("Parquet compression " + codec + " is not supported; use SNAPPY,"
                    + " ZSTD, GZIP, BROTLI, LZ4_RAW, LZ4 or none (pyarrow's default is SNAPPY)");
        };
    }

    /** A page compressed with a codec Canopy does not read. */
    public static final class UnsupportedCodecException extends IllegalArgumentException {
        UnsupportedCodecException(String message) {
            super(message);
        }
    }

    /** Decompresses byte arrays: Canopy's reader calls it on a page's place in its column chunk, with no copy. */
    @FunctionalInterface
    public interface ArrayDecompressor {
        /** Decompresses {@code in[off, off + len)}, which the page header says holds {@code size} bytes. */
        public byte[] decompress(byte[] in, int off, int len, int size) throws IOException;
    }

    private record Inflate(Supplier<Decompressor> decompressor) implements ArrayDecompressor {
        @Override
        public byte[] decompress(byte[] in, int off, int len, int size) throws IOException {
            if (decompressor == null) {
                if (len != size) {
                    throw new ParquetException("an uncompressed page of " + len + " bytes, the header says " + size);
                }
                return Arrays.copyOfRange(in, off, off + len);
            }
            byte[] out = new byte[size];
            int n;
            try {
                n = decompressor.get().decompress(in, off, len, out, 0, out.length);
            } catch (MalformedInputException | IndexOutOfBoundsException | IllegalArgumentException e) {
                // aircompressor signals corrupt input by these (Snappy: a stated length above the output's)
                throw new ParquetException("corrupt compressed page: " + e.getMessage(), e);
            }
            if (n != size) {
                throw new ParquetException("corrupt compressed page: " + n + " bytes decompressed, the header says " + size);
            }
            return out;
        }
    }

    /** Exactly {@code size} bytes from a decompressing stream, which must then be at its end. */
    private static byte[] stream(InputStream in, int size) throws IOException {
        try (in) {
            byte[] out = in.readNBytes(size);
            if (out.length != size || in.read() >= 0) {
                throw new ParquetException("corrupt compressed page: its bytes do not decompress to the " + size
                        + " the header says");
            }
            return out;
        } catch (RuntimeException e) { // the libraries signal some corrupt input by unchecked exceptions
            throw new ParquetException("corrupt compressed page: " + e.getMessage(), e);
        }
    }

    /**
     * Parquet's LZ4 (codec 5) is Hadoop's framing: blocks of a 4-byte big-endian decompressed length, then
     * chunks of a 4-byte big-endian compressed length and an LZ4 block. parquet-cpp before 1.x wrote bare
     * LZ4 blocks under the same codec; like parquet-cpp, a page whose first lengths cannot be Hadoop framing
     * is read as a bare block.
     */
    private static byte[] hadoopLz4(byte[] in, int off, int len, int size) throws IOException {
        if (len >= 8) {
            ByteBuffer b = ByteBuffer.wrap(in, off, len); // big-endian
            long block = b.getInt(off) & 0xffffffffL;
            long chunk = b.getInt(off + 4) & 0xffffffffL;
            if (block <= size && chunk <= len - 8L) {
                return stream(new Lz4HadoopStreams().createInputStream(new ByteArrayInputStream(in, off, len)), size);
            }
        }
        return new Inflate(Lz4Decompressor::new).decompress(in, off, len, size);
    }
}
