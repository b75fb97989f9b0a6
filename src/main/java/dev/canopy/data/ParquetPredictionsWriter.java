package dev.canopy.data;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a shard's predictions as a one-column Parquet file ({@code prediction: double}), in row order. */
public final class ParquetPredictionsWriter {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message predictions { required double prediction; }");

    private ParquetPredictionsWriter() {
    }

    public static byte[] write(double[] predictions, int rows) {
        InMemoryOutputFile file = new InMemoryOutputFile();
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<org.apache.parquet.example.data.Group> w = ExampleParquetWriter.builder(file)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(PureJavaCodecs.INSTANCE)
                .withType(SCHEMA)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (int i = 0; i < rows; i++) {
                w.write(groups.newGroup().append("prediction", predictions[i]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions", e);
        }
        return file.bytes.toByteArray();
    }

    private static final class InMemoryOutputFile implements OutputFile {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            bytes.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
