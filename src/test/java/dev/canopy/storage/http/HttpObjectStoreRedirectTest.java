package dev.canopy.storage.http;

import com.sun.net.httpserver.HttpServer;
import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A redirect would lead past the storage guard, which checked only the first location: it is refused. */
class HttpObjectStoreRedirectTest {
    @Test
    void aRedirectIsRefusedAndNotFollowed() throws Exception {
        AtomicInteger secretReads = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/allowed/data.csv", x -> {
            try (x) {
                x.getResponseHeaders().add("Location", "/secret");
                x.sendResponseHeaders(302, -1);
            }
        });
        server.createContext("/secret", x -> {
            try (x) {
                secretReads.incrementAndGet();
                x.sendResponseHeaders(200, 6);
                x.getResponseBody().write("secret".getBytes());
            }
        });
        server.start();
        try {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/allowed/data.csv";
            HttpObjectStore store = new HttpObjectStore(Duration.ofSeconds(10));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.read(uri));
            assertTrue(e.getMessage().contains("/secret") && e.getMessage().contains("302"), e.getMessage());
            assertEquals(0, secretReads.get(), "the redirect's target was never requested");
        } finally {
            server.stop(0);
        }
    }
}
