package dev.canopy.config;

import dev.canopy.invoke.FunctionInvoker;

import java.util.function.Supplier;

/**
 * Creates its delegate on first use. The Lambda client needs a region and credentials; a command that
 * never invokes a function must not fail because of it, and one that does gets the client's error as its
 * own one-line failure, not as an error while the command line is being built.
 */
final class LazyFunctionInvoker implements FunctionInvoker {
    private final Supplier<FunctionInvoker> factory;
    private volatile FunctionInvoker delegate;

    LazyFunctionInvoker(Supplier<FunctionInvoker> factory) {
        this.factory = factory;
    }

    private FunctionInvoker d() {
        FunctionInvoker f = delegate;
        if (f == null) {
            synchronized (this) {
                if (delegate == null) {
                    delegate = factory.get();
                }
                f = delegate;
            }
        }
        return f;
    }

    @Override
    public String invoke(String function, String payloadJson) {
        return d().invoke(function, payloadJson);
    }

    @Override
    public String invoke(String function, String payloadJson, int instance) {
        return d().invoke(function, payloadJson, instance);
    }

    @Override
    public Invoked<String> invokeBilled(String function, String payloadJson, int instance) {
        return d().invokeBilled(function, payloadJson, instance);
    }
}
