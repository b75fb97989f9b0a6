package dev.canopy.data;

import dev.canopy.parquet.read.ParquetFile;

import dev.canopy.storage.ObjectStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.nio.ByteBuffer;

/**
 * A Parquet {@link InputFile} that reads through ranged reads of the storage port: on S3 each read is one
 * {@code GET} with a {@code Range} header for exactly the bytes asked for, so a reader that projects two
 * columns fetches the footer and those two column chunks, never the whole object, and nothing is staged in
 * /tmp. {@link ParquetFile} makes few, large reads (the tail, then the projected chunks of a row group) and
 * never asks for a byte twice; this class therefore keeps no read-ahead buffer.
 *
 * <p>Every ranged read is counted ({@link #totals()}), so benches can report requests and bytes per shard.
 */
public final class ObjectStoreInputFile implements InputFile {
    private static final java.util.concurrent.atomic.LongAdder REQUESTS = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder BYTES = new java.util.concurrent.atomic.LongAdder();

    /** Ranged reads made, and bytes they returned, by every instance in this JVM since it started. */
    public record Totals(long requests, long bytes) {
        public Totals minus(Totals earlier) {
            return new Totals(requests - earlier.requests, bytes - earlier.bytes);
        }
    }

    public static Totals totals() {
        return new Totals(REQUESTS.sum(), BYTES.sum());
    }

    private final ObjectStore store;
    private final String uri;
    private final long length;

    public ObjectStoreInputFile(ObjectStore store, String uri, long length) {
        this.store = store;
        this.uri = uri;
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new Stream();
    }

    @Override
    public String toString() {
        return uri;
    }

    private final class Stream extends SeekableInputStream {
        private long pos;

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void seek(long newPos) {
            pos = newPos;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            fill(b, off, n);
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws EOFException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws EOFException {
            if (pos + len > length) {
                throw new EOFException("read past the end of " + uri + " at " + pos + "+" + len);
            }
            fill(bytes, start, len);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), length - pos);
            byte[] tmp = new byte[n];
            fill(tmp, 0, n);
            dst.put(tmp);
            return n;
        }

        @Override
        public void readFully(ByteBuffer dst) throws EOFException {
            int n = dst.remaining();
            if (pos + n > length) {
                throw new EOFException("read past the end of " + uri + " at " + pos + "+" + n);
            }
            byte[] tmp = new byte[n];
            fill(tmp, 0, n);
            dst.put(tmp);
        }

        /** Copies {@code n} bytes at {@link #pos} by one ranged read. */
        private void fill(byte[] b, int off, int n) {
            if (n == 0) {
                return;
            }
            byte[] data = store.readRange(uri, pos, n);
            if (data.length != n) {
                throw new IllegalStateException(uri + ": a ranged read of " + n + " bytes at " + pos + " returned "
                        + data.length);
            }
            REQUESTS.increment();
            BYTES.add(n);
            System.arraycopy(data, 0, b, off, n);
            pos += n;
        }
    }
}
