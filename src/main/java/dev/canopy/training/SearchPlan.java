package dev.canopy.training;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A {@link SearchSpace} checked and expanded into the configurations to try, in a fixed order (algorithms
 * in the run's order; grid points in row-major order of the parameters as given; random draws in draw
 * order), so that the same request and seed give the same configurations.
 */
final class SearchPlan {

    /** One configuration: its number in the plan and its complete, checked parameters. */
    record Config(int id, Algorithm algorithm, Map<String, Number> params) {
    }

    private SearchPlan() {
    }

    static List<Config> expand(SearchSpace space, List<Algorithm> algorithms, Map<Algorithm, Map<String, Number>> base,
                               long seed) {
        Map<Algorithm, Map<String, List<Number>>> grid = grid(space.grid(), algorithms);
        Map<Algorithm, Map<String, SearchSpace.Range>> ranges = ranges(space.ranges(), algorithms);
        Integer samples = space.samples();
        if (samples != null && samples < 1) {
            throw new InvalidInputException("search.samples", samples, "must be at least 1");
        }
        if (!ranges.isEmpty() && samples == null) {
            throw new InvalidInputException("search.samples", null, "ranges need a number of random samples");
        }
        if (ranges.isEmpty() && samples != null) {
            throw new InvalidInputException("search.samples", samples, "random samples need at least one range to draw from");
        }
        ranges.forEach((a, rs) -> rs.keySet().forEach(name -> {
            if (grid.getOrDefault(a, Map.of()).containsKey(name)) {
                throw new InvalidInputException("search.ranges." + a.id() + "." + name, name,
                        "also in search.grid; give a parameter a list or a range, not both");
            }
        }));
        List<Config> out = new ArrayList<>();
        // one generator for the whole plan, drawn in plan order: reproducible from the seed alone
        SplittableRandom random = new SplittableRandom(seed);
        for (Algorithm a : algorithms) {
            Map<String, List<Number>> lists = grid.getOrDefault(a, Map.of());
            Map<String, SearchSpace.Range> rs = ranges.get(a);
            if (rs == null) {
                for (Map<String, Number> point : product(lists)) {
                    out.add(new Config(out.size(), a, merge(base.get(a), point)));
                }
            } else {
                for (int s = 0; s < samples; s++) {
                    Map<String, Number> point = new LinkedHashMap<>();
                    lists.forEach((name, values) -> point.put(name, values.get(random.nextInt(values.size()))));
                    rs.forEach((name, r) -> point.put(name, draw(a, name, r, random)));
                    out.add(new Config(out.size(), a, merge(base.get(a), point)));
                }
            }
        }
        return out;
    }

    private static Map<String, Number> merge(Map<String, Number> base, Map<String, Number> point) {
        Map<String, Number> p = new LinkedHashMap<>(base);
        p.putAll(point);
        return p;
    }

    /** The cartesian product of {@code lists}, the last parameter varying fastest; one empty point for none. */
    private static List<Map<String, Number>> product(Map<String, List<Number>> lists) {
        List<Map<String, Number>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Number>> e : lists.entrySet()) {
            List<Map<String, Number>> next = new ArrayList<>();
            for (Map<String, Number> p : points) {
                for (Number v : e.getValue()) {
                    Map<String, Number> q = new LinkedHashMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    private static Number draw(Algorithm a, String name, SearchSpace.Range r, SplittableRandom random) {
        double u = random.nextDouble();
        boolean log = "log".equals(r.scale());
        double v = log ? Math.exp(Math.log(r.min()) + u * (Math.log(r.max()) - Math.log(r.min())))
                : r.min() + u * (r.max() - r.min());
        v = Math.min(r.max(), Math.max(r.min(), v));
        return TrainingParams.isInteger(a, name) ? (Number) (int) Math.round(v) : (Number) v;
    }

    private static Map<Algorithm, Map<String, List<Number>>> grid(Map<String, Map<String, List<Object>>> given,
                                                                 List<Algorithm> algorithms) {
        Map<Algorithm, Map<String, List<Number>>> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        for (Map.Entry<String, Map<String, List<Object>>> e : given.entrySet()) {
            Algorithm a = algorithm("search.grid." + e.getKey(), e.getKey(), algorithms);
            if (out.containsKey(a)) {
                throw new InvalidInputException("search.grid." + e.getKey(), e.getKey(), "algorithm given twice");
            }
            Map<String, List<Number>> lists = new LinkedHashMap<>();
            Map<String, String> names = new LinkedHashMap<>();
            for (Map.Entry<String, List<Object>> p : (e.getValue() == null ? Map.<String, List<Object>>of() : e.getValue()).entrySet()) {
                String field = "search.grid." + a.id() + "." + p.getKey();
                String name = TrainingParams.canonical(a, p.getKey(), field, names);
                if (p.getValue() == null || p.getValue().isEmpty()) {
                    throw new InvalidInputException(field, p.getValue(), "must list at least one value");
                }
                List<Number> values = new ArrayList<>();
                for (Object v : p.getValue()) {
                    Number n = TrainingParams.value(a, p.getKey(), v, field);
                    if (values.contains(n)) {
                        throw new InvalidInputException(field, v, "value listed twice");
                    }
                    values.add(n);
                }
                lists.put(name, values);
            }
            out.put(a, lists);
        }
        return out;
    }

    private static Map<Algorithm, Map<String, SearchSpace.Range>> ranges(Map<String, Map<String, SearchSpace.Range>> given,
                                                                        List<Algorithm> algorithms) {
        Map<Algorithm, Map<String, SearchSpace.Range>> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        for (Map.Entry<String, Map<String, SearchSpace.Range>> e : given.entrySet()) {
            Algorithm a = algorithm("search.ranges." + e.getKey(), e.getKey(), algorithms);
            Map<String, SearchSpace.Range> rs = new LinkedHashMap<>();
            Map<String, String> names = new LinkedHashMap<>();
            for (Map.Entry<String, SearchSpace.Range> p : (e.getValue() == null ? Map.<String, SearchSpace.Range>of() : e.getValue()).entrySet()) {
                String field = "search.ranges." + a.id() + "." + p.getKey();
                String name = TrainingParams.canonical(a, p.getKey(), field, names);
                SearchSpace.Range r = p.getValue();
                if (r == null || r.min() == null || r.max() == null) {
                    throw new InvalidInputException(field, r, "needs min and max");
                }
                TrainingParams.value(a, p.getKey(), r.min(), field + ".min");
                TrainingParams.value(a, p.getKey(), r.max(), field + ".max");
                if (!(r.min() < r.max())) {
                    throw new InvalidInputException(field, r.min() + ":" + r.max(), "min must be less than max");
                }
                String scale = r.scale() == null ? "linear" : r.scale().toLowerCase(Locale.ROOT);
                if (!scale.equals("linear") && !scale.equals("log")) {
                    throw new InvalidInputException(field + ".scale", r.scale(), "must be linear or log");
                }
                if (scale.equals("log") && r.min() <= 0) {
                    throw new InvalidInputException(field + ".min", r.min(), "a log range must be above 0");
                }
                rs.put(name, new SearchSpace.Range(r.min(), r.max(), scale));
            }
            if (!rs.isEmpty()) {
                out.put(a, rs);
            }
        }
        return out;
    }

    private static Algorithm algorithm(String field, String name, List<Algorithm> algorithms) {
        Algorithm a = Algorithm.parse(field, name);
        if (!algorithms.contains(a)) {
            throw new InvalidInputException(field, name, "searched, but this run does not train it; it trains " + algorithms);
        }
        return a;
    }
}
