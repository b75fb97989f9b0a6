package dev.canopy.data;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** parquet-java as the tests' independent reader: its own footer parsing, page decoding and record assembly. */
public final class ParquetJavaOracle {
    private ParquetJavaOracle() {
    }

    /** A parquet-java reader of a local file, with the tests' codecs (no Hadoop native code). */
    public static ParquetFileReader open(Path file) throws Exception {
        return ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(TestCodecs.INSTANCE).build());
    }

    /** Every record, as parquet-java assembles it from its own page reading. */
    public static List<Group> records(Path file) throws Exception {
        List<Group> out = new ArrayList<>();
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                var records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    out.add(records.read());
                }
            }
        }
        return out;
    }
}
