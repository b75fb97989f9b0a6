package dev.canopy.inference;

import dev.canopy.model.Model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The models one warm predictor instance holds, keyed by model URI and version, so a model is loaded
 * once per instance and a rewritten model (new ETag) is loaded afresh. Bounded by bytes: the least
 * recently used models are evicted first. Thread-safe; a model is loaded under the cache's lock, so two
 * concurrent calls for the same model load it once.
 */
public final class ModelCache {
    private final long maxBytes;
    private final LinkedHashMap<String, Model> models = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long loads;

    public ModelCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The outcome of a lookup: the model, and whether this call had to load it. */
    public record Lookup(Model model, boolean loaded) {
    }

    public synchronized Lookup get(String uri, String version, Supplier<Model> loader) {
        String key = uri + "@" + version;
        Model m = models.get(key);
        if (m != null) {
            return new Lookup(m, false);
        }
        m = loader.get();
        loads++;
        models.put(key, m);
        bytes += m.bytes();
        var it = models.entrySet().iterator();
        while (bytes > maxBytes && models.size() > 1 && it.hasNext()) {
            Map.Entry<String, Model> eldest = it.next();
            if (eldest.getKey().equals(key)) {
                continue;
            }
            bytes -= eldest.getValue().bytes();
            it.remove();
        }
        return new Lookup(m, true);
    }

    /** Whether some version of the model at {@code uri} is held (a cold instance holds none). */
    public synchronized boolean holds(String uri) {
        String prefix = uri + "@";
        return models.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return models.size();
    }

    public synchronized long loads() {
        return loads;
    }
}
