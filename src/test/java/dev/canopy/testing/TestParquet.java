package dev.canopy.testing;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small Parquet files of double columns for tests. */
public final class TestParquet {
    private TestParquet() {
    }

    /** {@code columns[j][i]}; NaN is written as null. */
    public static byte[] doubles(List<String> names, double[][] columns, int rows) throws IOException {
        StringBuilder schema = new StringBuilder("message t {");
        for (String n : names) {
            schema.append(" optional double ").append(n).append(';');
        }
        var type = MessageTypeParser.parseMessageType(schema.append(" }").toString());
        Path tmp = Files.createTempFile("canopy-test", ".parquet");
        try {
            SimpleGroupFactory f = new SimpleGroupFactory(type);
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration()).withType(type)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (int i = 0; i < rows; i++) {
                    Group g = f.newGroup();
                    for (int j = 0; j < names.size(); j++) {
                        if (!Double.isNaN(columns[j][i])) {
                            g.append(names.get(j), columns[j][i]);
                        }
                    }
                    w.write(g);
                }
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
