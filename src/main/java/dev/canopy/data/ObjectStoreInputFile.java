package dev.canopy.data;

import dev.canopy.storage.ObjectStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.nio.ByteBuffer;

/**
 * A Parquet {@link InputFile} that reads through ranged reads of the storage port: on S3 each read is a
 * {@code GET} with a {@code Range} header, so a reader that projects two columns fetches the footer and
 * those two column chunks, never the whole object, and nothing is staged in /tmp.
 *
 * <p>Small reads (Parquet reads the footer length, then the footer) are served from a read-ahead buffer
 * of {@link #MIN_FETCH} bytes so that they do not each cost a request.
 */
public final class ObjectStoreInputFile implements InputFile {
    static final int MIN_FETCH = 64 * 1024;

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
        private byte[] buf = new byte[0];
        private long bufStart;

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

        /** Copies {@code n} bytes at {@link #pos}, from the buffer when it holds them, else by a ranged read. */
        private void fill(byte[] b, int off, int n) {
            if (pos >= bufStart && pos + n <= bufStart + buf.length) {
                System.arraycopy(buf, (int) (pos - bufStart), b, off, n);
            } else if (n >= MIN_FETCH) {
                byte[] data = store.readRange(uri, pos, n);
                System.arraycopy(data, 0, b, off, n);
            } else {
                int fetch = (int) Math.min(MIN_FETCH, length - pos);
                buf = store.readRange(uri, pos, fetch);
                bufStart = pos;
                System.arraycopy(buf, 0, b, off, n);
            }
            pos += n;
        }
    }
}
