/**
 * The thin Quarkus Funqy adapters, one {@code @Funq} function per Lambda (supervise, train, status, predict,
 * batch-predict), and {@code LambdaHandler}, which reports a function's own exception type to Lambda. Each
 * labels its log lines, refuses an oversized request and calls its service.
 */
package dev.canopy.function;
