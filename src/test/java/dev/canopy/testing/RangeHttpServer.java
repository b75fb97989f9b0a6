package dev.canopy.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on 127.0.0.1 (a free port) serving objects as S3 and CDNs do for ranged readers:
 * {@code Range: bytes=a-b} and {@code bytes=-n} (206 with {@code Content-Range}), a strong ETag per content,
 * {@code If-Match} (412 when it does not match). Records each request as {@code METHOD path [range] [if-match]}.
 */
public final class RangeHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Integer> generations = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public RangeHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String uri(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Creates or replaces the object at {@code path}; a replacement gets a new ETag. */
    public void put(String path, byte[] data) {
        objects.put(path, data.clone());
        generations.merge(path, 1, Integer::sum);
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String range = x.getRequestHeaders().getFirst("Range");
            String ifMatch = x.getRequestHeaders().getFirst("If-Match");
            requests.add(x.getRequestMethod() + " " + path + (range != null ? " " + range : "")
                    + (ifMatch != null ? " if-match" : ""));
            byte[] data = objects.get(path);
            if (data == null) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            String etag = "\"" + Integer.toHexString(Arrays.hashCode(data)) + "-" + generations.get(path) + "\"";
            x.getResponseHeaders().set("ETag", etag);
            if (ifMatch != null && !ifMatch.equals(etag)) {
                x.sendResponseHeaders(412, -1);
                return;
            }
            long from = 0;
            long to = data.length - 1L;
            int status = 200;
            if (range != null && range.startsWith("bytes=")) {
                String r = range.substring("bytes=".length());
                if (r.startsWith("-")) {
                    from = Math.max(0, data.length - Long.parseLong(r.substring(1)));
                } else {
                    String[] ab = r.split("-", -1);
                    from = Long.parseLong(ab[0]);
                    to = ab[1].isEmpty() ? to : Math.min(to, Long.parseLong(ab[1]));
                }
                status = 206;
                x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
            }
            int n = (int) (to - from + 1);
            if (x.getRequestMethod().equals("HEAD")) {
                x.getResponseHeaders().set("Content-Length", Integer.toString(data.length));
                x.sendResponseHeaders(200, -1);
                return;
            }
            x.sendResponseHeaders(status, n);
            try (OutputStream out = x.getResponseBody()) {
                out.write(data, (int) from, n);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
