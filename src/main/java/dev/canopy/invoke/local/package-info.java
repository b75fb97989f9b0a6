/**
 * In-process invocation, the one-machine stand-in for Lambda: payload and answer go through JSON exactly as
 * they would over the wire.
 */
package dev.canopy.invoke.local;
