package dev.canopy.data;

import dev.canopy.parquet.codec.PureJavaCodecs;

import io.airlift.compress.Compressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Pure-Java codecs plugged into parquet-java's writer and reader for tests (parquet-hadoop's own need
 * snappy-java and zstd-jni, which the build leaves out). Writing LZ4 frames raw LZ4 blocks the way
 * Hadoop's {@code Lz4Codec} does, by hand, so the reader's use of aircompressor's Hadoop streams is checked
 * against an independent framing. Reading goes through {@link PureJavaCodecs}.
 */
public final class TestCodecs implements CompressionCodecFactory {
    public static final TestCodecs INSTANCE = new TestCodecs();

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> compressor(codec, b -> b);
            case SNAPPY -> compressor(codec, block(SnappyCompressor::new));
            case ZSTD -> compressor(codec, block(ZstdCompressor::new));
            case LZ4_RAW -> compressor(codec, block(Lz4Compressor::new));
            case LZ4 -> compressor(codec, TestCodecs::hadoopLz4);
            case GZIP -> compressor(codec, b -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                    gz.write(b);
                }
                return out.toByteArray();
            });
            default -> throw new IllegalArgumentException("no test compressor for " + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        PureJavaCodecs.ArrayDecompressor d = PureJavaCodecs.INSTANCE.decompressor(codec.name());
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int size) throws IOException {
                byte[] in = bytes.toByteArray();
                return BytesInput.from(d.decompress(in, 0, in.length, size));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size) throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(d.decompress(in, 0, in.length, size));
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public void release() {
    }

    private interface Bytes {
        byte[] apply(byte[] in) throws IOException;
    }

    private static Bytes block(Supplier<Compressor> compressor) {
        return in -> {
            Compressor c = compressor.get();
            byte[] out = new byte[c.maxCompressedLength(in.length)];
            return Arrays.copyOf(out, c.compress(in, 0, in.length, out, 0, out.length));
        };
    }

    /** Hadoop's block framing: decompressed length, then (one chunk here) compressed length and the LZ4 block. */
    static byte[] hadoopLz4(byte[] in) throws IOException {
        byte[] lz4 = block(Lz4Compressor::new).apply(in);
        return ByteBuffer.allocate(8 + lz4.length).putInt(in.length).putInt(lz4.length).put(lz4).array();
    }

    private static BytesInputCompressor compressor(CompressionCodecName codec, Bytes f) {
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(f.apply(bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
            }
        };
    }
}
