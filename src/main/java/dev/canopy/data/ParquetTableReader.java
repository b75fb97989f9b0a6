package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the flat columns of a Parquet file into a {@link Table} through the column-level API. Numeric
 * physical types (INT32, INT64, FLOAT, DOUBLE, BOOLEAN) become doubles, nulls become NaN; other types are
 * kept as non-numeric columns. Nested columns are not supported for training.
 */
public final class ParquetTableReader {

    private ParquetTableReader() {
    }

    public static Table read(String field, InputFile file) {
        try (ParquetFileReader reader = ParquetFileReader.open(file,
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            long total = reader.getRecordCount();
            if (total > Integer.MAX_VALUE) {
                throw new InvalidInputException(field, total, "too many rows for one training data set");
            }
            int n = (int) total;
            List<ColumnDescriptor> cols = schema.getColumns();
            double[][] values = new double[cols.size()][n];
            boolean[] numeric = new boolean[cols.size()];
            for (int j = 0; j < cols.size(); j++) {
                ColumnDescriptor c = cols.get(j);
                numeric[j] = c.getPath().length == 1 && c.getMaxRepetitionLevel() == 0 && switch (c.getPrimitiveType().getPrimitiveTypeName()) {
                    case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> true;
                    default -> false;
                };
            }
            int offset = 0;
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup,
                        new GroupRecordConverter(schema).getRootConverter(), schema, createdBy);
                int rgRows = (int) rowGroup.getRowCount();
                for (int j = 0; j < cols.size(); j++) {
                    if (numeric[j]) {
                        readColumn(store.getColumnReader(cols.get(j)), cols.get(j), values[j], offset, rgRows);
                    }
                }
                offset += rgRows;
            }
            List<Table.Column> out = new ArrayList<>();
            for (int j = 0; j < cols.size(); j++) {
                ColumnDescriptor c = cols.get(j);
                String name = String.join(".", c.getPath());
                out.add(numeric[j]
                        ? new Table.Column(name, values[j], true, null, 0)
                        : new Table.Column(name, null, false,
                        "<" + c.getPrimitiveType().getPrimitiveTypeName().name().toLowerCase() + " column>", 1));
            }
            return new Table(out, n);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(field, file.toString(), "unreadable Parquet file: " + e.getMessage());
        }
    }

    private static void readColumn(ColumnReader r, ColumnDescriptor c, double[] out, int offset, int rows) {
        int maxDef = c.getMaxDefinitionLevel();
        PrimitiveType.PrimitiveTypeName type = c.getPrimitiveType().getPrimitiveTypeName();
        for (int i = 0; i < rows; i++) {
            if (r.getCurrentDefinitionLevel() < maxDef) {
                out[offset + i] = Double.NaN;
            } else {
                out[offset + i] = switch (type) {
                    case INT32 -> r.getInteger();
                    case INT64 -> r.getLong();
                    case FLOAT -> r.getFloat();
                    case DOUBLE -> r.getDouble();
                    case BOOLEAN -> r.getBoolean() ? 1 : 0;
                    default -> throw new IllegalStateException("not numeric: " + type);
                };
            }
            r.consume();
        }
    }
}
