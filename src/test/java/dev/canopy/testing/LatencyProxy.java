package dev.canopy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 (a free port) in front of an HTTP server (S3Proxy), adding {@code delayMillis} before
 * each HTTP request reaches the server, as distance to S3 would, and recording each request line with its
 * {@code Range} and {@code If-Match} headers. Bytes pass unchanged (the client's SigV4 signature over
 * {@code Host} stays valid). Requests are recognised by their request line at the start of a read from the
 * client, their head gathered over as many reads as it takes; Canopy's GETs and HEADs have no body, and a PUT's
 * body does not start with a request line.
 */
public final class LatencyProxy implements AutoCloseable {
    private static final Pattern REQUEST = Pattern.compile("^(GET|HEAD|PUT|POST|DELETE) (\\S+) HTTP/1\\.1\\r\\n(.*?)\\r\\n\\r\\n",
            Pattern.DOTALL);
    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|HEAD|PUT|POST|DELETE) ");
    private static final Pattern RANGE = Pattern.compile("(?im)^range: *(\\S+)");
    private static final Pattern IF_MATCH = Pattern.compile("(?im)^if-match: *(\\S+)");
    private final ServerSocket server;
    private final int upstreamPort;
    private volatile long delayMillis;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /**
     * One request as it arrived: {@code METHOD path [range] [if-match]}, when ({@link System#nanoTime()}), and the
     * bytes its {@code Range} asks for (0 without one).
     */
    public record Request(String line, long nanos, long rangeBytes) {
    }
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public LatencyProxy(int upstreamPort, long delayMillis) throws IOException {
        this.upstreamPort = upstreamPort;
        this.delayMillis = delayMillis;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("latency-proxy").start(this::accept);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public void delayMillis(long millis) {
        delayMillis = millis;
    }

    /** Every request seen, as {@code METHOD path [Range] [If-Match]}, in order of arrival. */
    public List<String> requests() {
        return requests.stream().map(Request::line).toList();
    }

    public List<Request> timedRequests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toServer) {
        byte[] buf = new byte[64 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            // a request's head may arrive over several reads (a loaded machine, a client writing the request
            // line apart): it is gathered until its blank line, then recorded, at most 64 KB of it
            StringBuilder head = null;
            while ((n = in.read(buf)) >= 0) {
                if (toServer) {
                    String chunk = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    if (head == null && REQUEST_LINE.matcher(chunk).lookingAt()) {
                        head = new StringBuilder();
                    }
                    if (head != null) {
                        head.append(chunk, 0, Math.min(chunk.length(), (64 << 10) - head.length()));
                        Matcher m = REQUEST.matcher(head);
                        if (m.find()) {
                            String headers = m.group(3);
                            Matcher r = RANGE.matcher(headers);
                            Matcher i = IF_MATCH.matcher(headers);
                            String range = r.find() ? r.group(1) : null;
                            requests.add(new Request(m.group(1) + " " + m.group(2) + (range != null ? " " + range : "")
                                    + (i.find() ? " if-match" : ""), System.nanoTime(), rangeBytes(range)));
                            head = null;
                            long d = delayMillis;
                            if (d > 0) {
                                Thread.sleep(d);
                            }
                        } else if (head.length() >= 64 << 10) {
                            head = null; // not an HTTP request head after all
                        }
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static long rangeBytes(String range) {
        if (range == null || !range.startsWith("bytes=")) {
            return 0;
        }
        String r = range.substring("bytes=".length());
        if (r.startsWith("-")) {
            return Long.parseLong(r.substring(1));
        }
        String[] ab = r.split("-", -1);
        return ab[1].isEmpty() ? 0 : Long.parseLong(ab[1]) - Long.parseLong(ab[0]) + 1;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
