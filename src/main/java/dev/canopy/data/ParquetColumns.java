package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams chosen numeric columns of a Parquet file as doubles, one row group at a time, reading only
 * those columns' chunks. Handles what other writers produce: pyarrow's int8/int16 (INT32 with an integer
 * annotation), timestamps (INT64, as their raw unit), FLOAT/DOUBLE, BOOLEAN, nulls (NaN), all-null
 * columns, dictionary-encoded pages and several row groups.
 */
public final class ParquetColumns {

    /** Receives one row group: {@code columns[j][0..rows)} in the order the columns were asked for. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(double[][] columns, int rows);
    }

    private ParquetColumns() {
    }

    /** The names of the file's flat columns, from the footer. */
    public static java.util.Set<String> columnNames(String field, InputFile file) {
        try (ParquetFile reader = ParquetFile.open(file)) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (ColumnDescriptor c : reader.schema().getColumns()) {
                names.add(String.join(".", c.getPath()));
            }
            return names;
        } catch (IOException | RuntimeException e) {
            throw unreadable(field, file, e);
        }
    }

    public static long scan(String field, InputFile file, List<String> names, BatchConsumer consumer) {
        try (ParquetFile reader = ParquetFile.open(file)) {
            MessageType schema = reader.schema();
            List<ColumnDescriptor> cols = new ArrayList<>();
            Map<String, ColumnDescriptor> byName = new HashMap<>();
            for (ColumnDescriptor c : schema.getColumns()) {
                byName.put(String.join(".", c.getPath()), c);
            }
            for (String n : names) {
                ColumnDescriptor c = byName.get(n);
                if (c == null) {
                    throw new InvalidInputException(field, file.toString(), "has no column \"" + n + "\"; it has "
                            + byName.keySet().stream().sorted().toList());
                }
                if (c.getMaxRepetitionLevel() > 0) {
                    throw new InvalidInputException(field, file.toString(), "column \"" + n + "\" is repeated; only flat columns can be scored");
                }
                switch (c.getPrimitiveType().getPrimitiveTypeName()) {
                    case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> {
                    }
                    default -> throw new InvalidInputException(field, file.toString(), "column \"" + n + "\" is "
                            + describe(c.getPrimitiveType()) + ", not numeric");
                }
                cols.add(c);
            }
            // Project: only the wanted column chunks are read (ranged reads on object storage).
            MessageType projection = new MessageType(schema.getName(),
                    cols.stream().map(c -> (Type) schema.getType(c.getPath())).toList());
            String createdBy = reader.createdBy();
            long total = 0;
            double[][] out = new double[cols.size()][];
            PageDecoder fast = new PageDecoder();
            for (int g = 0; g < reader.rowGroups(); g++) {
                PageReadStore rowGroup = reader.read(g, cols);
                int rows = (int) rowGroup.getRowCount();
                ColumnReadStoreImpl store = null;
                for (int j = 0; j < cols.size(); j++) {
                    if (out[j] == null || out[j].length < rows) {
                        out[j] = new double[rows];
                    }
                    ColumnDescriptor c = cols.get(j);
                    if (PageDecoder.supports(c, reader.encodings(g, c))) {
                        fast.read(rowGroup.getPageReader(c), c, out[j], rows);
                    } else {
                        // Anything the bulk decoder does not handle goes through parquet-java's reader.
                        if (store == null) {
                            store = new ColumnReadStoreImpl(rowGroup,
                                    new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
                        }
                        read(store.getColumnReader(c), c, out[j], rows);
                    }
                }
                consumer.accept(out, rows);
                total += rows;
            }
            return total;
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(field, file, e);
        }
    }

    private static InvalidInputException unreadable(String field, InputFile file, Exception e) {
        if (e instanceof dev.canopy.error.CanopyException ce && !(ce instanceof InvalidInputException)) {
            throw ce; // storage faults keep their own type (and retryability)
        }
        return new InvalidInputException(field, file.toString(), "not a readable Parquet file: " + e.getMessage());
    }

    private static String describe(org.apache.parquet.schema.PrimitiveType t) {
        var a = t.getLogicalTypeAnnotation();
        return a == null ? t.getPrimitiveTypeName().name().toLowerCase() : a.toString().toLowerCase();
    }

    /** Decodes one column chunk of one row group into {@code out}; nulls become NaN. */
    private static void read(ColumnReader r, ColumnDescriptor c, double[] out, int rows) {
        int maxDef = c.getMaxDefinitionLevel();
        var type = c.getPrimitiveType().getPrimitiveTypeName();
        for (int i = 0; i < rows; i++) {
            if (r.getCurrentDefinitionLevel() < maxDef) {
                out[i] = Double.NaN;
            } else {
                out[i] = switch (type) {
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
