package dev.canopy.predictions;

import dev.canopy.data.KeptColumns;
import dev.canopy.error.InvalidInputException;
import dev.canopy.parquet.format.ParquetFormat;
import dev.canopy.parquet.read.PageDecoder;
import dev.canopy.parquet.read.ParquetFile;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV copy of a shard's predictions ({@code outputFormat} csv): a header, then one line per row in row
 * order, the kept columns then {@code prediction} (a classifier's: then its probabilities), as the Parquet file
 * has them. RFC 4180: CRLF line ends, a
 * field quoted when it holds a comma, a quote or a line break (quotes doubled); a null is an empty field and an
 * empty string the quoted {@code ""}, so readers that tell them apart (DuckDB, pandas) can. Values are written
 * as text by their logical type: integers in full, dates and times in ISO 8601 (timestamps as UTC wall time),
 * decimals with their scale, booleans as true/false, doubles so they parse back to the same double.
 *
 * <p>The kept columns' values are decoded here, a row group at a time, through {@link PageDecoder}: numbers
 * as doubles, so integers beyond 2^53 (and nanosecond timestamps) are exact in the Parquet file only.
 * A NaN float is written as an empty field, like a null.
 */
public final class PredictionsCsv {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PredictionsCsv() {
    }

    /** {@code kept} must be gathered from the shard whose rows {@code predictions} holds, or be empty. */
    public static byte[] write(double[] predictions, int rows, KeptColumns kept) {
        return write(List.of(OutputColumn.doubles("prediction", predictions)), rows, kept);
    }

    /** {@code columns}: what follows the kept ones, as the Parquet file has them ({@link ParquetPredictionsWriter}). */
    public static byte[] write(List<OutputColumn> predicted, int rows, KeptColumns kept) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows * 24 * predicted.size() + 256);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> header = new ArrayList<>(kept.names());
            for (OutputColumn c : predicted) {
                header.add(c.name());
            }
            for (int j = 0; j < header.size(); j++) {
                field(out, j, header.get(j));
            }
            out.write("\r\n");
            if (kept.isEmpty()) {
                for (int i = 0; i < rows; i++) {
                    predicted(out, predicted, i, false);
                    out.write("\r\n");
                }
            } else {
                int from = 0;
                PageDecoder decoder = new PageDecoder();
                List<ParquetFile.Column> columns = kept.columns();
                for (int g = 0; g < kept.groupRows().size(); g++) {
                    int n = kept.groupRows().get(g);
                    double[][] values = new double[columns.size()][];
                    List<List<String>> texts = new ArrayList<>();
                    for (int j = 0; j < columns.size(); j++) {
                        ParquetFile.Column c = columns.get(j);
                        values[j] = new double[n];
                        List<String> strings = new ArrayList<>();
                        texts.add(strings);
                        try {
                            // text: each distinct dictionary entry (each value of a PLAIN page) is decoded once
                            // and the cursor yields its index
                            decoder.new Cursor(kept.chunks(g).get(j), n, KeptColumns.text(c) ? s -> {
                                strings.add(s);
                                return strings.size() - 1;
                            } : null).fill(values[j], n);
                        } catch (IOException e) {
                            throw new InvalidInputException("keepColumns", c.path(), "column \"" + c.path()
                                    + "\" cannot be written as CSV: " + e.getMessage());
                        }
                    }
                    Format[] formats = new Format[columns.size()];
                    for (int j = 0; j < columns.size(); j++) {
                        formats[j] = format(columns.get(j), texts.get(j));
                    }
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < columns.size(); j++) {
                            double v = values[j][i];
                            if (j > 0) {
                                out.write(',');
                            }
                            if (!Double.isNaN(v)) {
                                String s = formats[j].text(v);
                                quoted(out, s, KeptColumns.text(columns.get(j)));
                            }
                        }
                        predicted(out, predicted, from + i, true);
                        out.write("\r\n");
                    }
                    from += n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CSV copy", e);
        }
        return bytes.toByteArray();
    }

    /** A value's text; never called for a null. */
    @FunctionalInterface
    private interface Format {
        String text(double v);
    }

    private static Format format(ParquetFile.Column c, List<String> strings) {
        if (KeptColumns.text(c)) {
            return v -> strings.get((int) v);
        }
        ParquetFormat.Logical l = c.logical();
        ParquetFormat.Kind k = l == null ? null : l.kind();
        if (c.type() == ParquetFormat.Type.INT96) {
            return v -> timestamp(v, "us"); // read as microseconds since the epoch
        }
        if (k == ParquetFormat.Kind.DATE) {
            return v -> LocalDate.ofEpochDay((long) v).toString();
        }
        if (k == ParquetFormat.Kind.TIMESTAMP) {
            return v -> timestamp(v, l.unit());
        }
        if (k == ParquetFormat.Kind.TIME) {
            long perUnit = l.unit().equals("ms") ? 1_000_000L : l.unit().equals("us") ? 1_000L : 1L;
            return v -> LocalTime.ofNanoOfDay((long) v * perUnit).toString();
        }
        if (k == ParquetFormat.Kind.DECIMAL) {
            return v -> BigDecimal.valueOf(v).setScale(l.scale(), RoundingMode.HALF_EVEN).toPlainString();
        }
        return switch (c.type()) {
            case BOOLEAN -> v -> v != 0 ? "true" : "false";
            case FLOAT, FIXED_LEN_BYTE_ARRAY -> v -> Float.toString((float) v); // float16 is the only such number left
            case DOUBLE -> Double::toString;
            default -> PredictionsCsv::integer;
        };
    }

    private static String integer(double v) {
        return Math.abs(v) < 0x1p63 ? Long.toString((long) v) : new BigDecimal(v).toPlainString();
    }

    private static String timestamp(double v, String unit) {
        long t = (long) v;
        long perSecond = unit.equals("ms") ? 1_000L : unit.equals("us") ? 1_000_000L : NANOS_PER_SECOND;
        long seconds = Math.floorDiv(t, perSecond);
        long nanos = Math.floorMod(t, perSecond) * (NANOS_PER_SECOND / perSecond);
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC).toString();
    }

    /** Row {@code i} of the predicted columns, each after a comma but the first when nothing precedes them. */
    private static void predicted(Writer out, List<OutputColumn> columns, int i, boolean afterKept) throws IOException {
        for (int j = 0; j < columns.size(); j++) {
            if (afterKept || j > 0) {
                out.write(',');
            }
            OutputColumn c = columns.get(j);
            String s = c.text(i);
            if (s != null) {
                quoted(out, s, c.isText());
            }
        }
    }

    private static void field(Writer out, int j, String s) throws IOException {
        if (j > 0) {
            out.write(',');
        }
        quoted(out, s, true);
    }

    /** RFC 4180: quoted when it must be; an empty text is quoted so that it differs from a null. */
    private static void quoted(Writer out, String s, boolean text) throws IOException {
        boolean quote = (text && s.isEmpty());
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            out.write(s);
            return;
        }
        out.write('"');
        out.write(s.replace("\"", "\"\""));
        out.write('"');
    }
}
