package dev.canopy.data;

import dev.canopy.error.ConflictException;
import dev.canopy.parquet.read.ParquetFile;
import dev.canopy.parquet.read.ReadTuning;
import dev.canopy.storage.ObjectStore;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.ParquetFileRange;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Parquet {@link InputFile} over the storage port's ranged reads, made for object storage, where every request
 * is a round trip of 15–30 ms to the first byte while decoding a shard takes about a millisecond:
 *
 * <ul>
 *   <li><b>No HEAD.</b> The first thing asked of the file (its length) is answered by one suffix read of
 *       {@link ReadTuning#tailGuess()} bytes ({@link ObjectStore#readSuffix}), which also gives the object's size
 *       and version. {@link ParquetFile} finds the footer in those bytes; they are never fetched again.</li>
 *   <li><b>One version.</b> Every later read sends that version ({@code If-Match} on S3), so an object replaced
 *       while it is read fails with a {@link ConflictException} naming it instead of mixing two versions.</li>
 *   <li><b>Concurrent chunk reads.</b> The stream offers {@link SeekableInputStream#readVectored}: the ranges
 *       {@link ParquetFile} plans for many row groups at once are fetched in parallel (one virtual thread per
 *       range), one round trip for all of them.</li>
 * </ul>
 *
 * <p>Nothing is staged in /tmp and there is no read-ahead buffer beyond the suffix. Requests, round trips
 * (sequential waits) and bytes are counted per file ({@link #counts()}) and for the JVM ({@link #totals()}), so
 * predictors and benches report them per shard.
 */
public final class ObjectStoreInputFile implements InputFile, ReadTuning.Source {
    private static final LongAdder REQUESTS = new LongAdder();
    private static final LongAdder ROUND_TRIPS = new LongAdder();
    private static final LongAdder BYTES = new LongAdder();

    /** Requests made, sequential round trips they took, and bytes they returned. */
    public record Totals(long requests, long roundTrips, long bytes) {
        public Totals minus(Totals earlier) {
            return new Totals(requests - earlier.requests, roundTrips - earlier.roundTrips, bytes - earlier.bytes);
        }
    }

    /** What every instance in this JVM has read since it started. */
    public static Totals totals() {
        return new Totals(REQUESTS.sum(), ROUND_TRIPS.sum(), BYTES.sum());
    }

    private final ObjectStore store;
    private final String uri;
    private final ReadTuning tuning;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /** The object's last bytes, size and version, from the first read; null until then. */
    private volatile ObjectStore.Suffix suffix;

    public ObjectStoreInputFile(ObjectStore store, String uri) {
        this(store, uri, ReadTuning.DEFAULT);
    }

    public ObjectStoreInputFile(ObjectStore store, String uri, ReadTuning tuning) {
        this.store = store;
        this.uri = uri;
        this.tuning = tuning;
    }

    /** What this file has read so far. */
    public Totals counts() {
        return new Totals(requests.get(), roundTrips.get(), bytes.get());
    }

    @Override
    public ReadTuning readTuning() {
        return tuning;
    }

    /** The object's size, from the suffix read (made now if it was not yet). */
    @Override
    public long getLength() {
        return suffix().info().size();
    }

    /** The object's version every read of this file is pinned to, from the suffix read. */
    public String version() {
        return suffix().info().version();
    }

    private ObjectStore.Suffix suffix() {
        ObjectStore.Suffix s = suffix;
        if (s == null) {
            synchronized (this) {
                s = suffix;
                if (s == null) {
                    s = store.readSuffix(uri, tuning.tailGuess());
                    counted(s.bytes().length);
                    roundTrip();
                    suffix = s;
                }
            }
        }
        return s;
    }

    private void counted(long n) {
        requests.incrementAndGet();
        REQUESTS.increment();
        bytes.addAndGet(n);
        BYTES.add(n);
    }

    private void roundTrip() {
        roundTrips.incrementAndGet();
        ROUND_TRIPS.increment();
    }

    @Override
    public SeekableInputStream newStream() {
        return new Stream();
    }

    @Override
    public String toString() {
        return uri;
    }

    /**
     * Copies file bytes {@code [at, at + n)} into {@code b[off..]}: what lies in the suffix from memory, the rest
     * by one ranged read pinned to the suffix's version. Returns whether a request was made.
     */
    private boolean copy(long at, byte[] b, int off, int n) {
        ObjectStore.Suffix s = suffix();
        long suffixAt = s.offset();
        int before = (int) Math.max(0, Math.min(at + n, suffixAt) - at);
        if (before > 0) {
            byte[] data;
            try {
                data = store.readRange(uri, at, before, s.info().version());
            } catch (ConflictException e) {
                throw replaced(e);
            }
            counted(data.length);
            if (data.length != before) {
                throw new IllegalStateException(uri + ": a ranged read of " + before + " bytes at " + at + " returned "
                        + data.length + " (the object is " + s.info().size() + " bytes)");
            }
            System.arraycopy(data, 0, b, off, before);
        }
        if (before < n) {
            System.arraycopy(s.bytes(), (int) (at + before - suffixAt), b, off + before, n - before);
        }
        return before > 0;
    }

    private ConflictException replaced(ConflictException e) {
        ConflictException c = new ConflictException("shard " + uri + " was replaced while it was read: its footer was "
                + "read from version " + suffix.info().version() + ", a later read found another version; the "
                + "shard is not scored from two versions (score it again to read the new one)");
        c.addSuppressed(e); // the adapter's own account (412, or the versions it saw)
        return c;
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
        public int read() throws EOFException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws EOFException {
            long length = getLength();
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
            if (pos + len > getLength()) {
                throw new EOFException("read past the end of " + uri + " at " + pos + "+" + len);
            }
            fill(bytes, start, len);
        }

        @Override
        public int read(ByteBuffer dst) throws EOFException {
            long length = getLength();
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
            byte[] tmp = new byte[n];
            readFully(tmp, 0, n);
            dst.put(tmp);
        }

        private void fill(byte[] b, int off, int n) {
            if (n > 0 && copy(pos, b, off, n)) {
                roundTrip();
            }
            pos += n;
        }

        @Override
        public boolean readVectoredAvailable(ByteBufferAllocator allocator) {
            return true;
        }

        /**
         * Fetches every range at once, one virtual thread and one ranged read each (the S3 client is synchronous),
         * and counts one round trip for them all. Each range's future completes with its bytes or its failure.
         */
        @Override
        public void readVectored(List<ParquetFileRange> ranges, ByteBufferAllocator allocator) throws EOFException {
            long length = getLength();
            for (ParquetFileRange r : ranges) {
                if (r.getOffset() < 0 || r.getOffset() + r.getLength() > length) {
                    throw new EOFException("read past the end of " + uri + " at " + r.getOffset() + "+" + r.getLength());
                }
            }
            // one round trip for them all, counted before they start: the reads overlap
            long suffixAt = suffix().offset();
            if (ranges.stream().anyMatch(r -> r.getLength() > 0 && r.getOffset() < suffixAt)) {
                roundTrip();
            }
            for (ParquetFileRange r : ranges) {
                CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
                r.setDataReadFuture(f);
                Thread.ofVirtual().name("canopy-range-read").start(() -> {
                    try {
                        byte[] b = new byte[r.getLength()];
                        copy(r.getOffset(), b, 0, b.length);
                        f.complete(ByteBuffer.wrap(b));
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
            }
        }
    }
}
