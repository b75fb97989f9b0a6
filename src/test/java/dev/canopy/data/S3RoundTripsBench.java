package dev.canopy.data;

import dev.canopy.inference.ModelCache;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictService;
import dev.canopy.sample.TaxiShards;
import dev.canopy.storage.s3.S3ObjectStore;
import dev.canopy.testing.LatencyProxy;
import dev.canopy.testing.S3ProxyServer;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/**
 * Time per shard through a pool of predictors when every S3 request waits {@code --delay-ms} (default 25) on
 * its way: S3Proxy (the real S3 HTTP API, in this JVM) behind {@link LatencyProxy} on 127.0.0.1. Each slot of
 * the pool is its own {@link PredictService}, as warm Lambda instances are, scoring a rule model (no model
 * object: the shard's reads alone) and writing its predictions (the PUT). Figures per shard, from the proxy's
 * record of what went on the wire: requests before the PUT, round trips (requests arriving within 5 ms of each
 * other are one wave: with the delay, sequential requests are at least 25 ms apart), bytes read by the
 * predictors, and time (the batch's wall time × pool size / shards, and the median of the shards' own times).
 * It uses only APIs that main had before issue 22, so the same file measures the code before and after.
 * A bench, not a test (surefire's patterns leave it out). Run it with
 * <pre>./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.canopy.data.S3RoundTripsBench \
 *   -Dexec.args="--shards ../shared/data/nyc-taxi-sample --pool 4 --repeat 3 --delay-ms 25"</pre>
 * ({@code --generate-full DIR} instead of {@code --shards}: the 12 full-size shards of {@code generate taxi --full}).
 */
public final class S3RoundTripsBench {
    public static void main(String[] args) throws Exception {
        Path shards = Path.of("../shared/data/nyc-taxi-sample");
        int pool = 4;
        int repeat = 3;
        long delay = 25;
        boolean write = true;
        boolean pyarrow = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shards" -> shards = Path.of(args[++i]);
                case "--pool" -> pool = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delay = Long.parseLong(args[++i]);
                case "--model" -> rule = args[++i];
                case "--no-output" -> write = false;
                case "--pyarrow" -> pyarrow = true;
                case "--generate-full" -> {
                    // what `canopy generate taxi --full` writes (seed 1): the 12 full-size shards
                    shards = Path.of(args[++i]);
                    if (!Files.exists(shards.resolve(String.format(TaxiShards.NAME, 11)))) {
                        TaxiShards.write(shards, TaxiShards.FULL_ROWS, 1);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(shards)) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        try (S3ProxyServer s3 = new S3ProxyServer(); LatencyProxy wire = new LatencyProxy(s3.port(), 0);
             S3Client client = s3.client(wire.endpoint())) {
            s3.createBucket("bench");
            S3ObjectStore store = new S3ObjectStore(client);
            List<String> uris = new ArrayList<>();
            long totalBytes = 0;
            for (Path f : files) {
                String uri = "s3://bench/shards/" + f.getFileName();
                byte[] b = Files.readAllBytes(f);
                totalBytes += b.length;
                store.write(uri, b, "application/vnd.apache.parquet");
                uris.add(uri);
            }
            System.out.printf(Locale.ROOT, "%d shards from %s (%,d bytes), pool %d, %d ms added to each request, model %s%s%n",
                    uris.size(), shards, totalBytes, pool, delay, ruleOf(), write ? "" : ", no output");
            wire.delayMillis(delay);
            List<PredictService> slots = new ArrayList<>();
            for (int k = 0; k < pool; k++) {
                slots.add(new PredictService(store, new ModelCache(64 << 20), "bench-" + k));
            }
            ExecutorService threads = Executors.newFixedThreadPool(pool);
            double[] perShard = new double[repeat];
            double[] median = new double[repeat];
            for (int run = 0; run <= repeat; run++) {
                wire.clear();
                LinkedBlockingQueue<String> todo = new LinkedBlockingQueue<>(uris);
                List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
                String out = write ? "s3://bench/out-" + run + "/" : null;
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (PredictService p : slots) {
                    done.add(threads.submit(() -> {
                        String shard;
                        while ((shard = todo.poll()) != null) {
                            long s0 = System.nanoTime();
                            String o = out == null ? null : out + shard.substring(shard.lastIndexOf('/') + 1);
                            p.predict(new PredictRequest(ruleOf(), shard, o));
                            millis.add((System.nanoTime() - s0) / 1_000_000);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                double wall = (System.nanoTime() - t0) / 1e6;
                if (run == 0) {
                    continue; // warm-up: connections opened, classes loaded
                }
                List<LatencyProxy.Request> reqs = wire.timedRequests();
                long[] ms = millis.stream().mapToLong(Long::longValue).sorted().toArray();
                perShard[run - 1] = wall * pool / uris.size();
                median[run - 1] = ms[ms.length / 2];
                if (run == repeat) {
                    report(reqs, uris, delay);
                }
                System.out.printf(Locale.ROOT, "run %d: %.0f ms for %d shards; %.1f ms per shard per slot (wall × pool / shards),"
                        + " median shard %.0f ms%n", run, wall, uris.size(), perShard[run - 1], median[run - 1]);
            }
            threads.shutdown();
            if (pyarrow) {
                pyarrowAnchor(wire, uris);
            }
            Arrays.sort(perShard);
            Arrays.sort(median);
            System.out.printf(Locale.ROOT, "median over %d runs: %.1f ms per shard per slot, median shard %.0f ms%n", repeat,
                    perShard[repeat / 2], median[repeat / 2]);
        }
    }

    /**
     * The anchor: pyarrow ({@code pq.read_table} with one column, its S3FileSystem) reading the same shards through
     * the same proxy, one after another, after a warm-up pass; its requests and round trips come from the wire.
     */
    private static void pyarrowAnchor(LatencyProxy wire, List<String> uris) throws Exception {
        String script = String.join("\n",
                "import sys, time, pyarrow.fs as fs, pyarrow.parquet as pq",
                "s3 = fs.S3FileSystem(access_key=sys.argv[2], secret_key=sys.argv[3], endpoint_override=sys.argv[1],"
                        + " scheme='http', region='us-east-1')",
                "paths = sys.argv[4:]",
                "for p in paths: pq.read_table(p, columns=['passenger_count'], filesystem=s3)",
                "print('READY', flush=True); sys.stdin.readline()",
                "t0 = time.perf_counter()",
                "for p in paths: pq.read_table(p, columns=['passenger_count'], filesystem=s3)",
                "print('pyarrow %s: %.1f ms per shard, one after another' % (__import__('pyarrow').__version__,"
                        + " (time.perf_counter() - t0) * 1000 / len(paths)))");
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script, wire.endpoint().replace("http://", ""),
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        uris.forEach(u -> cmd.add(u.substring("s3://".length())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
             var in = p.getOutputStream()) {
            String line = out.readLine();
            if (line == null || !line.equals("READY")) {
                System.out.println("pyarrow anchor: not run: " + line);
                p.destroy();
                return;
            }
            wire.clear();
            in.write('\n');
            in.flush();
            for (String l; (l = out.readLine()) != null; ) {
                System.out.println(l);
            }
        } finally {
            p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            p.destroy();
        }
        System.out.print("pyarrow ");
        report(wire.timedRequests(), uris, 0);
    }

    private static String rule;

    private static String ruleOf() {
        return rule == null ? "rule:passenger_count>=2" : rule;
    }

    /** Requests, round trips (waves 5 ms apart at least) and bytes asked per shard, before its PUT. */
    private static void report(List<LatencyProxy.Request> reqs, List<String> uris, long delay) {
        long requests = 0;
        long waves = 0;
        long ranged = 0;
        List<String> sample = new ArrayList<>();
        for (String uri : uris) {
            String path = "/" + uri.substring("s3://".length());
            List<LatencyProxy.Request> mine = reqs.stream().filter(r -> r.line().split(" ")[1].equals(path)).toList();
            requests += mine.size();
            long last = Long.MIN_VALUE;
            for (LatencyProxy.Request r : mine) {
                if (r.nanos() - last > 5_000_000L) {
                    waves++;
                }
                last = r.nanos();
                ranged += r.rangeBytes();
            }
            if (sample.isEmpty()) {
                mine.forEach(r -> sample.add(r.line()));
            }
        }
        System.out.printf(Locale.ROOT, "per shard before its PUT: %.2f requests, %.2f round trips, %,.0f bytes asked"
                        + " (ranges; an open range counts 0)%n", (double) requests / uris.size(), (double) waves / uris.size(),
                (double) ranged / uris.size());
        System.out.println("first shard on the wire: " + sample);
    }
}
