/**
 * The invocation port, {@code FunctionInvoker}: one Canopy function calls another by its logical name with a
 * JSON payload. Adapters: {@code lambda} (the Lambda Invoke API) and {@code local} (in-process, through the
 * same JSON).
 */
package dev.canopy.invoke;
