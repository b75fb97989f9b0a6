package dev.canopy.parquet.format;

import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.transport.TEndpointTransport;
import shaded.parquet.org.apache.thrift.transport.TTransportException;

/**
 * A read-only Thrift transport over {@code bytes[offset, offset + length)} that exposes its array, so
 * {@code TCompactProtocol} reads bytes, varints and strings straight from it instead of one stream call per
 * byte (the shaded Thrift in parquet-format-structures has no memory transport of its own). Nothing may be
 * read, and no string or container may be announced, beyond the bytes present.
 */
final class ArrayTransport extends TEndpointTransport {
    private final byte[] bytes;
    private final int end;
    private int position;

    ArrayTransport(TConfiguration config, byte[] bytes, int offset, int length) throws TTransportException {
        super(config);
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
        updateKnownMessageSize(length);
    }

    /** Where the next unread byte is. */
    int position() {
        return position;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void open() {
    }

    @Override
    public void close() {
    }

    @Override
    public int read(byte[] buf, int off, int len) throws TTransportException {
        int n = Math.min(len, end - position);
        if (n <= 0) {
            throw new TTransportException(TTransportException.END_OF_FILE, "no more bytes after " + position);
        }
        System.arraycopy(bytes, position, buf, off, n);
        position += n;
        return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws TTransportException {
        throw new TTransportException("read-only transport");
    }

    @Override
    public byte[] getBuffer() {
        return bytes;
    }

    @Override
    public int getBufferPosition() {
        return position;
    }

    @Override
    public int getBytesRemainingInBuffer() {
        return end - position;
    }

    @Override
    public void consumeBuffer(int len) {
        position += len;
    }

    /** The protocol's check before a string or container: against the bytes really left, not only the limit. */
    @Override
    public void checkReadBytesAvailable(long numBytes) throws TTransportException {
        if (numBytes < 0 || numBytes > end - position) {
            throw new TTransportException(TTransportException.END_OF_FILE,
                    numBytes + " bytes announced, " + (end - position) + " left");
        }
        super.checkReadBytesAvailable(numBytes);
    }
}
