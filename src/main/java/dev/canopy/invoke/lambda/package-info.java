/**
 * The invocation port on the Lambda Invoke API, through the AWS SDK: one attempt per call (the SDK's own
 * retries off), each failure classified (throttled, 5xx, unreachable, function error, no response), and the
 * billing read from the REPORT line of the log tail.
 */
package dev.canopy.invoke.lambda;
