package dev.canopy.parquet.read;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;

/** A Parquet {@link InputFile} over bytes already in memory; no Hadoop FileSystem involved. */
public final class ByteArrayInputFile implements InputFile {
    private final byte[] data;
    private final String name;

    /** {@code name}: the object or file the bytes came from, for messages. */
    public ByteArrayInputFile(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public long getLength() {
        return data.length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new DelegatingSeekableInputStream(new Stream(data)) {
            @Override
            public long getPos() {
                return ((Stream) getStream()).pos();
            }

            @Override
            public void seek(long newPos) {
                ((Stream) getStream()).seek(newPos);
            }
        };
    }

    private static final class Stream extends ByteArrayInputStream {
        Stream(byte[] buf) {
            super(buf);
        }

        long pos() {
            return pos;
        }

        void seek(long p) {
            if (p < 0 || p > count) {
                throw new IllegalArgumentException("seek outside the file: " + p);
            }
            pos = (int) p;
        }
    }
}
