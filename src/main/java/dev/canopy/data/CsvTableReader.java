package dev.canopy.data;

import dev.canopy.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a delimited text file with a header row into a {@link Table}. Quoted fields (RFC 4180) are
 * understood; empty fields and {@code NA}/{@code NaN}/{@code null} are missing values (NaN in a numeric
 * column, null in a text column). The delimiter is given or detected from the header line: whichever of
 * comma, semicolon and tab it holds most often outside quotes (comma when it holds none). A first column
 * with an empty name is the index pandas' {@code to_csv()} writes: it is skipped and a notice says so.
 * Every message about the file's structure names the file (when known) and the line.
 */
public final class CsvTableReader {
    private static final char[] CANDIDATES = {',', ';', '\t'};

    private CsvTableReader() {
    }

    public static Table read(String field, byte[] bytes) {
        return read(field, null, bytes, null);
    }

    /**
     * @param uri       the file's URI, for messages; may be null
     * @param delimiter the field delimiter, or null to detect it
     */
    public static Table read(String field, String uri, byte[] bytes, Character delimiter) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String file = uri == null ? "" : uri + " ";
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException(field, uri == null ? preview(text) : uri,
                    "not a CSV file: it contains binary data (a compressed file must end in .gz or start with gzip's magic bytes)");
        }
        List<String> lines = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        int pos = 0;
        int len = text.length();
        int line = 0;
        while (pos < len) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = len;
            }
            String raw = text.substring(pos, end);
            if (raw.endsWith("\r")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            line++;
            int first = line;
            if (raw.indexOf('"') >= 0) {
                // A quoted field may span lines; gather until quotes balance.
                while (count(raw, '"') % 2 != 0 && end < len) {
                    int next = text.indexOf('\n', end + 1);
                    if (next < 0) {
                        next = len;
                    }
                    raw = raw + "\n" + text.substring(end + 1, next).replace("\r", "");
                    end = next;
                    line++;
                }
                if (count(raw, '"') % 2 != 0) {
                    throw new InvalidInputException(field, preview(raw), "unreadable CSV: " + file + "line " + first
                            + " opens a quote that is never closed");
                }
            }
            pos = end + 1;
            if (!raw.isBlank()) {
                lines.add(raw);
                lineNumbers.add(first);
            }
        }
        if (lines.isEmpty()) {
            throw new InvalidInputException(field, uri == null ? "" : uri, "the data set is empty: no header and no rows");
        }
        char sep = delimiter != null ? delimiter : detect(lines.getFirst());
        String[] header = split(lines.getFirst(), sep);
        List<String> notices = new ArrayList<>();
        // pandas' to_csv() writes its index as a first column with an empty name: it is row numbers, not data.
        int skip = header.length > 1 && header[0].isBlank() ? 1 : 0;
        if (skip == 1) {
            notices.add("the unnamed first column (the index pandas' to_csv() writes) was skipped");
        }
        Set<String> seen = new HashSet<>();
        for (int j = skip; j < header.length; j++) {
            header[j] = header[j].trim();
            if (header[j].isEmpty()) {
                throw new InvalidInputException(field, Arrays.toString(header), "unreadable CSV: " + file + "line "
                        + lineNumbers.getFirst() + ": header column " + (j + 1) + " has no name");
            }
            if (!seen.add(header[j])) {
                throw new InvalidInputException(field, header[j], "unreadable CSV: " + file + "line "
                        + lineNumbers.getFirst() + ": the header names this column twice");
            }
        }
        int rows = lines.size() - 1;
        int width = header.length;
        int p = width - skip;
        double[][] values = new double[p][rows];
        String[][] texts = new String[p][];
        String[] bad = new String[p];
        long[] badRow = new long[p];
        for (int i = 0; i < rows; i++) {
            String[] r = split(lines.get(i + 1), sep);
            if (r.length != width) {
                throw new InvalidInputException(field, preview(lines.get(i + 1)), "unreadable CSV: " + file + "line "
                        + lineNumbers.get(i + 1) + " (data row " + (i + 1) + ") has " + r.length + " fields, the header has "
                        + width + " (delimiter " + name(sep) + (delimiter == null ? ", detected from the header" : "") + ")");
            }
            for (int j = 0; j < p; j++) {
                String s = r[j + skip].trim();
                boolean missing = s.isEmpty() || s.equals("NA") || s.equalsIgnoreCase("nan") || s.equals("null");
                if (bad[j] == null) {
                    if (missing) {
                        values[j][i] = Double.NaN;
                        continue;
                    }
                    try {
                        values[j][i] = Double.parseDouble(s);
                        continue;
                    } catch (NumberFormatException e) {
                        bad[j] = s;
                        badRow[j] = i + 1;
                        // a text column: keep every value as text, the earlier ones from the row strings
                        texts[j] = new String[rows];
                        for (int k = 0; k < i; k++) {
                            texts[j][k] = Double.isNaN(values[j][k]) ? null : split(lines.get(k + 1), sep)[j + skip].trim();
                        }
                    }
                }
                texts[j][i] = missing ? null : s;
            }
        }
        List<Table.Column> columns = new ArrayList<>(p);
        for (int j = 0; j < p; j++) {
            columns.add(bad[j] == null ? new Table.Column(header[j + skip], values[j], true, null, 0)
                    : new Table.Column(header[j + skip], null, false, bad[j], badRow[j], texts[j]));
        }
        return new Table(columns, rows, notices, uri);
    }

    /**
     * A delimiter as the request or the command line gives it: one character (not a quote or line break),
     * or its name ({@code comma}, {@code semicolon}, {@code tab}, {@code \t}); null, blank or {@code auto}
     * mean detect it.
     */
    public static Character delimiter(String field, String value) {
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("auto")) {
            return null;
        }
        Character named = switch (value.toLowerCase(Locale.ROOT)) {
            case "comma" -> ',';
            case "semicolon" -> ';';
            case "tab", "\\t" -> '\t';
            case "pipe" -> '|';
            default -> null;
        };
        if (named != null) {
            return named;
        }
        if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
            throw new InvalidInputException(field, value, "a delimiter is one character other than a quote or line "
                    + "break, or one of comma, semicolon, tab, pipe, auto (the default: detect , ; or tab)");
        }
        return value.charAt(0);
    }

    /** The candidate the header holds most often outside quotes; comma on a tie or when it holds none. */
    static char detect(String header) {
        int[] n = new int[CANDIDATES.length];
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                for (int k = 0; k < CANDIDATES.length; k++) {
                    if (c == CANDIDATES[k]) {
                        n[k]++;
                    }
                }
            }
        }
        int best = 0;
        for (int k = 1; k < CANDIDATES.length; k++) {
            if (n[k] > n[best]) {
                best = k;
            }
        }
        return CANDIDATES[best];
    }

    static String name(char sep) {
        return switch (sep) {
            case ',' -> "comma";
            case ';' -> "semicolon";
            case '\t' -> "tab";
            default -> "'" + sep + "'";
        };
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    private static String[] split(String line, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.toArray(String[]::new);
    }

    private static String preview(String s) {
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
