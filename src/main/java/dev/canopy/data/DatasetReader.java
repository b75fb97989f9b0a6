package dev.canopy.data;

import dev.canopy.error.InvalidInputException;
import dev.canopy.storage.ObjectStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a data set's parts ({@link DatasetParts.Plan}) into one {@link Table}: at most {@link #PARALLEL_PARTS}
 * parts at a time, each at its pinned version, each checked against the first part's schema (a part that lacks
 * a column, adds one, or holds another kind of value in it is refused, naming the part and the column), and
 * only the rows a sample keeps are copied out of a part before the next one is read. Text columns share one
 * string instance per distinct value across all parts, so a text cell costs a reference, not a string.
 */
public final class DatasetReader {
    /** Parts read at once: enough to hide S3's latency, few enough that their bytes stay small beside the table. */
    public static final int PARALLEL_PARTS = 4;

    private DatasetReader() {
    }

    /** Rows of one part, as status and the report show them. */
    public record PartRows(String name, long rows) {
    }

    /** The table, and each part's rows (before sampling). */
    public record Result(Table table, List<PartRows> parts, long rowsRead) {
    }

    /**
     * A deterministic sample of exactly {@code rows} rows (all of them when the data has no more), chosen by
     * selection sampling over the rows in part order with {@code seed}: the same parts and seed give the same
     * rows whatever order the parts are read in.
     */
    public record Sample(long rows, long seed) {
    }

    public static Result read(ObjectStore store, String field, DatasetParts.Plan plan, Character delimiter, Sample sample) {
        List<DatasetParts.Part> parts = plan.parts();
        if (plan.single() && sample == null) {
            DatasetParts.Part p = parts.getFirst();
            Table t = TableReader.read(field, plan.uri(), store.read(p.uri(), p.version()), delimiter);
            return new Result(t, List.of(new PartRows(p.name(), t.rows())), t.rows());
        }
        long[] rows = new long[parts.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = parts.get(i).rows();
        }
        if (sample != null && Arrays.stream(rows).anyMatch(r -> r < 0)) {
            // CSV parts declare no row count: count them first, so that the sample is exact and order-free
            Table[] counted = readAll(store, field, parts, delimiter, null, null);
            for (int i = 0; i < rows.length; i++) {
                rows[i] = counted[i].rows();
            }
        }
        int[][] keep = sample == null ? null : select(rows, sample);
        Table[] tables = readAll(store, field, parts, delimiter, keep, rows);
        List<PartRows> counts = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < tables.length; i++) {
            long r = rows[i] >= 0 ? rows[i] : tables[i].rows();
            counts.add(new PartRows(parts.get(i).name(), r));
            total += r;
        }
        return new Result(concat(field, plan, tables), List.copyOf(counts), total);
    }

    /** Which rows of each part the sample keeps (Knuth's selection sampling, algorithm S). */
    static int[][] select(long[] rows, Sample sample) {
        long total = Arrays.stream(rows).sum();
        long want = Math.min(sample.rows(), total);
        SplittableRandom random = new SplittableRandom(sample.seed());
        int[][] keep = new int[rows.length][];
        long seen = 0;
        long chosen = 0;
        for (int p = 0; p < rows.length; p++) {
            int[] idx = new int[(int) Math.min(rows[p], Math.max(0, want - chosen))];
            int n = 0;
            for (int i = 0; i < rows[p] && chosen < want; i++, seen++) {
                if (random.nextDouble() * (total - seen) < want - chosen) {
                    idx[n++] = i;
                    chosen++;
                }
            }
            keep[p] = Arrays.copyOf(idx, n);
        }
        return keep;
    }

    private static Table[] readAll(ObjectStore store, String field, List<DatasetParts.Part> parts, Character delimiter,
                                   int[][] keep, long[] declared) {
        Table[] out = new Table[parts.size()];
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_PARTS, parts.size()),
                r -> Thread.ofPlatform().daemon().name("canopy-read-part").unstarted(r))) {
            List<Future<Table>> futures = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    DatasetParts.Part p = parts.get(k);
                    Table t = TableReader.read(field, p.uri(), store.read(p.uri(), p.version()), delimiter);
                    if (declared != null && declared[k] >= 0 && declared[k] != t.rows()) {
                        throw new InvalidInputException(field, p.uri(), "part " + p.name() + " holds " + t.rows()
                                + " rows but its footer declares " + declared[k]);
                    }
                    return keep == null ? t : rows(t, keep[k]);
                }));
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = get(futures.get(i));
            }
        }
        return out;
    }

    private static Table get(Future<Table> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading parts", e);
        }
    }

    /** The rows {@code idx} of {@code t}. */
    static Table rows(Table t, int[] idx) {
        List<Table.Column> cols = new ArrayList<>();
        for (Table.Column c : t.columns()) {
            double[] v = null;
            if (c.values() != null) {
                v = new double[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    v[i] = c.values()[idx[i]];
                }
            }
            String[] s = null;
            if (c.text() != null) {
                s = new String[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    s[i] = c.text()[idx[i]];
                }
            }
            cols.add(new Table.Column(c.name(), v, c.numeric(), c.firstBadValue(), c.firstBadRow(), s));
        }
        return new Table(cols, idx.length, t.notices(), t.source(), t.indexColumns());
    }

    private static String kind(Table.Column c) {
        return c.numeric() ? "numbers" : c.isText() ? "text" : "values that are neither numbers nor text (" + c.firstBadValue() + ")";
    }

    /** An all-missing numeric column (e.g. an empty CSV column) fits text as well. */
    private static boolean empty(Table.Column c, int rows) {
        return c.numeric() && c.missing() == rows;
    }

    /** One table from the parts' tables, after checking each part's columns against the first's. */
    static Table concat(String field, DatasetParts.Plan plan, Table[] tables) {
        Table first = tables[0];
        String firstName = plan.parts().getFirst().name();
        List<String> names = first.names();
        for (int i = 1; i < tables.length; i++) {
            String part = plan.parts().get(i).name();
            Table t = tables[i];
            for (String n : t.names()) {
                if (!names.contains(n)) {
                    throw new InvalidInputException(field, plan.uri(), "part " + part + " has a column " + n + " that "
                            + firstName + " (the first part) lacks; every part must have the same columns " + names);
                }
            }
            for (String n : names) {
                if (!t.names().contains(n)) {
                    throw new InvalidInputException(field, plan.uri(), "part " + part + " lacks the column " + n
                            + " that " + firstName + " (the first part) has; every part must have the same columns " + names);
                }
                Table.Column a = first.column(field, n);
                Table.Column b = t.column(field, n);
                boolean same = a.numeric() == b.numeric() && a.isText() == b.isText()
                        || a.isText() && empty(b, t.rows()) || b.isText() && empty(a, first.rows());
                if (!same) {
                    throw new InvalidInputException(field, plan.uri(), "part " + part + ": column " + n + " holds " + kind(b)
                            + " but in " + firstName + " (the first part) it holds " + kind(a) + "; every part must have the same schema");
                }
            }
        }
        if (tables.length == 1) {
            return first;
        }
        long total = Arrays.stream(tables).mapToLong(Table::rows).sum();
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(field, plan.uri(), "has " + total + " rows, more than one trainer can hold;"
                    + " train on a sample (--sample-rows)");
        }
        int n = (int) total;
        List<Table.Column> cols = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        for (Table t : tables) {
            notices.addAll(t.notices());
        }
        Set<String> index = first.indexColumns();
        // Each column leaves the parts' tables once copied, so the parts and the whole are held at once one
        // column at a time, not whole (10 M rows × 9 columns: 720 MB at the peak instead of 1.4 GB).
        for (String name : names) {
            Table.Column done = column(field, name, tables, n);
            cols.add(done);
            for (int i = 0; i < tables.length; i++) {
                tables[i] = tables[i].without(name);
            }
        }
        LinkedHashMap<String, Boolean> unique = new LinkedHashMap<>();
        notices.forEach(x -> unique.put(x, true));
        return new Table(cols, n, List.copyOf(unique.keySet()), plan.uri(), index);
    }

    /** Column {@code name} of every part, one after the other. */
    private static Table.Column column(String field, String name, Table[] tables, int n) {
        boolean numeric = true;
        Table.Column other = null;
        long otherRow = 0;
        long offset = 0;
        for (Table t : tables) {
            Table.Column c = t.column(field, name);
            if (!c.numeric() && !c.isText() && other == null) {
                other = c;
                otherRow = offset + c.firstBadRow();
            }
            numeric &= c.numeric();
            offset += t.rows();
        }
        if (other != null) {
            return new Table.Column(name, null, false, other.firstBadValue(), otherRow);
        }
        if (numeric) {
            double[] v = new double[n];
            int at = 0;
            for (Table t : tables) {
                double[] src = t.column(field, name).values();
                System.arraycopy(src, 0, v, at, t.rows());
                at += t.rows();
            }
            return new Table.Column(name, v, true, null, 0);
        }
        String[] s = new String[n];
        Map<String, String> shared = new HashMap<>();
        String firstBad = null;
        long firstBadRow = 0;
        int at = 0;
        for (Table t : tables) {
            Table.Column c = t.column(field, name);
            if (c.isText()) {
                String[] src = c.text();
                for (int i = 0; i < t.rows(); i++) {
                    s[at + i] = src[i] == null ? null : shared.computeIfAbsent(src[i], k -> k);
                }
                if (firstBad == null && c.firstBadValue() != null) {
                    firstBad = c.firstBadValue();
                    firstBadRow = at + c.firstBadRow();
                }
            }
            at += t.rows();
        }
        return new Table.Column(name, null, false, firstBad, firstBadRow, s);
    }
}
