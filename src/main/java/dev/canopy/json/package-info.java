/**
 * The one Jackson mapping Canopy uses for requests, stored objects and in-process invocations, strict about
 * unknown fields, so that local runs serialize exactly as Lambda payloads do.
 */
package dev.canopy.json;
