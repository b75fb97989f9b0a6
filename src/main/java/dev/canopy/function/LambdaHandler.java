package dev.canopy.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.canopy.config.SnapStartHooks;
import dev.canopy.deadline.InvocationDeadline;
import io.quarkus.funqy.lambda.FunqyStreamHandler;
import io.quarkus.funqy.runtime.ApplicationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The JVM handler of every Canopy function ({@code dev.canopy.function.LambdaHandler::handleRequest} in
 * sam-template.yaml): Funqy's {@link FunqyStreamHandler}, except that a function's own exception reaches the
 * Lambda runtime client instead of Funqy's {@link ApplicationException} wrapper.
 *
 * <p>The runtime client reports a thrown exception as {@code errorType} = its {@link Class#getName()} (the
 * fully qualified class name) and {@code errorMessage} = its message, and Step Functions names a Lambda task's
 * error by that {@code errorType}. So a workflow can {@code Catch}/{@code Retry} on
 * <ul>
 *   <li>{@code dev.canopy.error.InvalidInputException} (bad request, data or parameter; permanent),</li>
 *   <li>{@code dev.canopy.error.ObjectNotFoundException} (a model, shard or object that is not there),</li>
 *   <li>{@code dev.canopy.error.ConflictException}, {@code dev.canopy.error.StorageException},
 *       {@code dev.canopy.invoke.FunctionInvocationException} (a nested call failed),</li>
 *   <li>or any other unchecked exception a function lets escape, under its own class name.</li>
 * </ul>
 * Through Funqy's own handler all of these arrive as {@code io.quarkus.funqy.runtime.ApplicationException}
 * with message {@code "<class>: <message>"}; {@code LambdaFunctionInvoker.functionError} reads both forms.
 *
 * <p>Lifecycle: the runtime client instantiates this class once per execution environment; the delegate's
 * constructor runs {@code Quarkus.manualInitialize()} and its {@code handleRequest} starts Quarkus on the first
 * call, exactly as when the runtime client instantiates Funqy's handler itself. No reflection is involved.
 * With SnapStart the application classes are preloaded just before the snapshot ({@link SnapStartHooks}), not at
 * every cold start.
 * A native build ({@code provided.al2023}) does not use this class: there Quarkus's own poll loop talks to the
 * Runtime API and still reports {@code ApplicationException}.
 */
public class LambdaHandler implements RequestStreamHandler {
    private final RequestStreamHandler funqy;

    public LambdaHandler() {
        this(new FunqyStreamHandler());
        // the constructor runs in Lambda's init phase, which ends with SnapStart's snapshot
        SnapStartHooks.preloadClassesBeforeSnapshot();
    }

    LambdaHandler(RequestStreamHandler funqy) {
        this.funqy = funqy;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // the function's deadline is the runtime's, not a configured guess (a trainer stops in time for it)
        if (context != null) {
            InvocationDeadline.begin(context.getRemainingTimeInMillis());
        }
        try {
            funqy.handleRequest(input, output, context);
        } catch (ApplicationException wrapper) {
            throw unwrap(wrapper);
        } finally {
            InvocationDeadline.end();
        }
    }

    /** The function's own unchecked exception; a checked cause cannot be rethrown as is, so it stays wrapped. */
    static RuntimeException unwrap(ApplicationException wrapper) {
        Throwable cause = wrapper.getCause();
        if (cause instanceof RuntimeException own) {
            return own;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return wrapper;
    }
}
