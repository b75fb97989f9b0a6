package dev.canopy.function;

import com.amazonaws.services.lambda.runtime.Context;
import dev.canopy.error.InvalidInputException;
import dev.canopy.deadline.InvocationDeadline;
import io.quarkus.funqy.runtime.ApplicationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LambdaHandlerTest {

    private static void call(LambdaHandler handler) throws IOException {
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
    }

    @Test
    void aFunctionsOwnExceptionSurfacesInsteadOfFunqysWrapper() {
        var own = new InvalidInputException("shard", "s3://b/k", "not a readable Parquet file");
        var handler = new LambdaHandler((in, out, ctx) -> {
            throw new ApplicationException(own);
        });
        var thrown = assertThrows(InvalidInputException.class, () -> call(handler));
        assertSame(own, thrown);
        assertEquals("shard=\"s3://b/k\": not a readable Parquet file", thrown.getMessage());
    }

    @Test
    void anyUncheckedCauseIsRethrownAsIs() {
        var own = new IllegalStateException("boom");
        var handler = new LambdaHandler((in, out, ctx) -> {
            throw new ApplicationException(own);
        });
        assertSame(own, assertThrows(IllegalStateException.class, () -> call(handler)));
    }

    @Test
    void aCheckedCauseStaysWrapped() {
        var wrapper = new ApplicationException(new Exception("checked"));
        var handler = new LambdaHandler((in, out, ctx) -> {
            throw wrapper;
        });
        assertSame(wrapper, assertThrows(ApplicationException.class, () -> call(handler)));
    }

    @Test
    void successAndOtherFailuresPassThrough() throws IOException {
        var out = new ByteArrayOutputStream();
        new LambdaHandler((in, o, ctx) -> o.write(in.readAllBytes()))
                .handleRequest(new ByteArrayInputStream("{\"a\":1}".getBytes(StandardCharsets.UTF_8)), out, null);
        assertEquals("{\"a\":1}", out.toString(StandardCharsets.UTF_8));

        var io = new IOException("socket closed");
        var handler = new LambdaHandler((in, o, ctx) -> {
            throw io;
        });
        assertSame(io, assertThrows(IOException.class, () -> call(handler)));
    }

    @Test
    void theFunctionRunsWithinTheLambdaContextsRemainingTimeAndNotAfterIt() throws IOException {
        Context context = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? 30_000 : null);
        AtomicReference<InvocationDeadline.Deadline> seen = new AtomicReference<>();
        var handler = new LambdaHandler((in, out, ctx) -> seen.set(InvocationDeadline.within(3_600_000_000_000L, "an hour")));
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), context);
        assertTrue(seen.get().source().contains("Lambda context"), seen.get().toString());
        long left = seen.get().millisLeft();
        assertTrue(left <= 30_000 && left > 25_000, "left " + left);
        // cleared with the invocation: the next one on this thread does not inherit it
        assertEquals("an hour", InvocationDeadline.within(3_600_000_000_000L, "an hour").source());
        // a configured budget shorter than the context's time stays the deadline
        var shorter = new LambdaHandler((in, out, ctx) -> seen.set(InvocationDeadline.within(5_000_000_000L, "five seconds")));
        shorter.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), context);
        assertEquals("five seconds", seen.get().source());
    }
}
