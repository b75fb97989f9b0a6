package dev.canopy.pool;

/**
 * The work a {@link FunctionPool} runs for one item. {@code slot} identifies the pool slot (0..size-1),
 * so an implementation can keep one warm instance per slot; {@code attempt} counts from 1.
 */
@FunctionalInterface
public interface PoolCall<I, O> {
    O call(I input, int slot, int attempt) throws Exception;
}
