package dev.canopy.parquet.read;

import dev.canopy.parquet.ParquetException;
import dev.canopy.parquet.format.ParquetFormat.ColumnMeta;
import dev.canopy.parquet.read.ParquetFile.Column;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The column chunks a {@link ParquetFile} fetched together and has not yet handed out: the chunks of
 * {@code windowColumns} in row groups {@code [windowFrom, windowFrom + windowBytes.length)}
 * ({@code windowBytes[g][j]} holds chunk j of row group {@code windowFrom + g} from {@code windowBase[g][j]});
 * null once handed out, so its bytes can be freed. It makes the file's reads of column chunks; the footer,
 * and the page headers of the chunks it hands out, are {@link ParquetFile}'s.
 */
final class ChunkWindow {
    private static final org.apache.parquet.bytes.ByteBufferAllocator HEAP = new org.apache.parquet.bytes.HeapByteBufferAllocator();

    private final ReadTuning tuning;
    private final SeekableInputStream in;
    /** The bytes read first, from the end of the file: the footer and often the last column chunks. */
    private final byte[] tail;
    private final long tailStart;
    private List<Column> windowColumns;
    private int windowFrom;
    private byte[][][] windowBytes = new byte[0][][];
    private int[][] windowBase;

    ChunkWindow(ReadTuning tuning, SeekableInputStream in, byte[] tail, long tailStart) {
        this.tuning = tuning;
        this.in = in;
        this.tail = tail;
        this.tailStart = tailStart;
    }

    /** One row group's chunks, handed out: chunk j is {@code bytes[j]} from {@code base[j]}. */
    record Taken(byte[][] bytes, int[] base) {
    }

    /**
     * The chunks of {@code wanted} in {@code rowGroup}, from the window, which is fetched first ({@link #fetch})
     * when the row group is not in it; the window keeps them no longer.
     */
    Taken take(ParquetFile file, int rowGroup, List<Column> wanted) throws IOException {
        int w = rowGroup - windowFrom;
        if (!wanted.equals(windowColumns) || w < 0 || w >= windowBytes.length || windowBytes[w] == null) {
            fetch(file, rowGroup, wanted);
            w = 0;
        }
        Taken taken = new Taken(windowBytes[w], windowBase[w]);
        windowBytes[w] = null; // handed out: the window no longer keeps these bytes alive
        windowBase[w] = null;
        return taken;
    }

    /** One column chunk to fetch: row group {@code group} (in the window), column {@code column}, file bytes {@code [start, end)}. */
    private record Piece(int group, int column, long start, long end) {
    }

    /**
     * Fetches the chunks of {@code wanted} in row group {@code first} and the following row groups with rows, while
     * their sizes (from the footer, checked against the file) add up to at most {@link ReadTuning#readAheadBytes()}.
     * The chunks' byte ranges are sorted, neighbours at most {@link ReadTuning#holeLimit()} apart joined up to
     * {@link ReadTuning#rangeLimit()}, bytes already in the tail not read again, and the remaining ranges read
     * at once: through {@link SeekableInputStream#readVectored} when the stream offers it (object storage: one
     * request each, concurrently), else one after another.
     */
    private void fetch(ParquetFile file, int first, List<Column> wanted) throws IOException {
        int n = wanted.size();
        List<Piece> pieces = new ArrayList<>();
        long total = 0;
        int groups = 0;
        for (int g = first; g < file.rowGroups(); g++) {
            if (g > first && file.rows(g) <= 0) {
                groups++; // nothing to decode there (callers skip such row groups): nothing fetched
                continue;
            }
            List<Piece> here = new ArrayList<>(n);
            long size = 0;
            for (int j = 0; j < n; j++) {
                ColumnMeta cm = file.chunk(g, wanted.get(j));
                long start = file.start(cm);
                here.add(new Piece(g - first, j, start, start + cm.compressedSize()));
                size += cm.compressedSize();
            }
            if (g > first && total + size > tuning.readAheadBytes()) {
                break;
            }
            pieces.addAll(here);
            total += size;
            groups = g - first + 1;
        }
        pieces.sort((a, b) -> Long.compare(a.start(), b.start()));
        // join neighbours into ranges [from[r], to[r])
        List<long[]> ranges = new ArrayList<>();
        int[] rangeOf = new int[pieces.size()];
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            long[] last = ranges.isEmpty() ? null : ranges.getLast();
            if (last != null && p.start() - last[1] <= tuning.holeLimit()
                    && Math.max(last[1], p.end()) - last[0] <= tuning.rangeLimit()) {
                last[1] = Math.max(last[1], p.end());
            } else {
                ranges.add(new long[]{p.start(), p.end()});
            }
            rangeOf[i] = ranges.size() - 1;
        }
        // what each range lacks from the tail is fetched, all at once
        List<org.apache.parquet.io.ParquetFileRange> fetch = new ArrayList<>();
        org.apache.parquet.io.ParquetFileRange[] fetchOf = new org.apache.parquet.io.ParquetFileRange[ranges.size()];
        for (int r = 0; r < ranges.size(); r++) {
            long from = ranges.get(r)[0];
            long fetched = Math.min(ranges.get(r)[1], tailStart) - from;
            if (fetched > 0) {
                fetchOf[r] = new org.apache.parquet.io.ParquetFileRange(from, (int) fetched);
                fetch.add(fetchOf[r]);
            }
        }
        if (!fetch.isEmpty()) {
            if (fetch.size() > 1 && in.readVectoredAvailable(HEAP)) {
                in.readVectored(fetch, HEAP);
            } else {
                for (org.apache.parquet.io.ParquetFileRange f : fetch) {
                    byte[] b = new byte[f.getLength()];
                    in.seek(f.getOffset());
                    in.readFully(b);
                    f.setDataReadFuture(java.util.concurrent.CompletableFuture.completedFuture(ByteBuffer.wrap(b)));
                }
            }
        }
        byte[][] rangeBytes = new byte[ranges.size()][];
        long[] rangeStart = new long[ranges.size()];
        for (int r = 0; r < ranges.size(); r++) {
            long from = ranges.get(r)[0];
            long to = ranges.get(r)[1];
            if (fetchOf[r] == null) {
                rangeBytes[r] = tail; // wholly in the tail: the chunks are read from it in place
                rangeStart[r] = tailStart;
                continue;
            }
            ByteBuffer got = await(fetchOf[r]);
            int fetched = fetchOf[r].getLength();
            if (got.remaining() != fetched) {
                throw new ParquetException("a read of " + fetched + " bytes at " + from + " returned " + got.remaining());
            }
            byte[] bytes;
            if (to - from == fetched && got.hasArray() && got.arrayOffset() == 0 && got.position() == 0
                    && got.array().length == fetched) {
                bytes = got.array();
            } else {
                bytes = new byte[(int) (to - from)];
                got.get(bytes, 0, fetched);
                System.arraycopy(tail, (int) (from + fetched - tailStart), bytes, fetched, (int) (to - from) - fetched);
            }
            rangeBytes[r] = bytes;
            rangeStart[r] = from;
        }
        windowColumns = List.copyOf(wanted);
        windowFrom = first;
        windowBytes = new byte[groups][][];
        windowBase = new int[groups][];
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            if (windowBytes[p.group()] == null) {
                windowBytes[p.group()] = new byte[n][];
                windowBase[p.group()] = new int[n];
            }
            windowBytes[p.group()][p.column()] = rangeBytes[rangeOf[i]];
            windowBase[p.group()][p.column()] = (int) (p.start() - rangeStart[rangeOf[i]]);
        }
    }

    /** The bytes of one vectored read; a storage fault keeps its own type (and whether it is retried). */
    private static ByteBuffer await(org.apache.parquet.io.ParquetFileRange f) throws IOException {
        try {
            return f.getDataReadFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading column chunks");
        }
    }
}
