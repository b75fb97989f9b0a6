package dev.canopy.data;

import dev.canopy.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a comma-separated file with a header row into a {@link Table}. Quoted fields (RFC 4180) are
 * understood; empty fields and {@code NA}/{@code NaN}/{@code null} are missing values (NaN).
 */
public final class CsvTableReader {

    private CsvTableReader() {
    }

    public static Table read(String field, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException(field, preview(text), "not a CSV file: it contains binary data");
        }
        List<String[]> records = new ArrayList<>();
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
                    throw new InvalidInputException(field, preview(raw), "unreadable CSV: unbalanced quote on line " + line);
                }
            }
            pos = end + 1;
            if (!raw.isBlank()) {
                records.add(split(raw));
            }
        }
        if (records.isEmpty()) {
            throw new InvalidInputException(field, "", "the data set is empty: no header and no rows");
        }
        String[] header = records.getFirst();
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < header.length; j++) {
            header[j] = header[j].trim();
            if (header[j].isEmpty()) {
                throw new InvalidInputException(field, Arrays.toString(header), "unreadable CSV: header column " + (j + 1) + " has no name");
            }
            if (!seen.add(header[j])) {
                throw new InvalidInputException(field, header[j], "unreadable CSV: the header names this column twice");
            }
        }
        int rows = records.size() - 1;
        int p = header.length;
        double[][] values = new double[p][rows];
        String[] bad = new String[p];
        long[] badRow = new long[p];
        for (int i = 0; i < rows; i++) {
            String[] r = records.get(i + 1);
            if (r.length != p) {
                throw new InvalidInputException(field, String.join(",", r), "unreadable CSV: data row " + (i + 1)
                        + " has " + r.length + " fields, the header has " + p);
            }
            for (int j = 0; j < p; j++) {
                if (bad[j] != null) {
                    continue;
                }
                String s = r[j].trim();
                if (s.isEmpty() || s.equals("NA") || s.equalsIgnoreCase("nan") || s.equals("null")) {
                    values[j][i] = Double.NaN;
                    continue;
                }
                try {
                    values[j][i] = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    bad[j] = s;
                    badRow[j] = i + 1;
                }
            }
        }
        List<Table.Column> columns = new ArrayList<>(p);
        for (int j = 0; j < p; j++) {
            columns.add(new Table.Column(header[j], bad[j] == null ? values[j] : null, bad[j] == null, bad[j], badRow[j]));
        }
        return new Table(columns, rows);
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

    private static String[] split(String line) {
        if (line.indexOf('"') < 0) {
            return line.split(",", -1);
        }
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
            } else if (c == ',') {
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
