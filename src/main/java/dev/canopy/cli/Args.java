package dev.canopy.cli;

import dev.canopy.error.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line arguments: positional words, {@code --name value} options (some repeatable) and flags. */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, List<String>> options = new LinkedHashMap<>();

    static Args parse(String[] argv, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (flags.contains(name)) {
                    value = "true";
                } else if (i + 1 < argv.length) {
                    value = argv[++i];
                } else {
                    throw new InvalidInputException("--" + name, null, "option needs a value");
                }
                a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    List<String> positional() {
        return positional;
    }

    /** Rejects options the command does not know, naming them and the ones it does. */
    void allow(Set<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new InvalidInputException("--" + k, get(k), "unknown option; this command takes "
                        + known.stream().sorted().map(o -> "--" + o).toList());
            }
        }
    }

    String get(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.getLast();
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return "true".equals(get(name));
    }

    Double decimal(String name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + name, v, "must be a number");
        }
    }

    Long integer(String name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + name, v, "must be a whole number");
        }
    }

    /** A comma-separated list, or null when the option is absent. */
    List<String> list(String name) {
        String v = get(name);
        return v == null ? null : List.of(v.split("\\s*,\\s*"));
    }
}
