/**
 * The storage port on a local directory tree (plain paths and {@code file:} URIs), for the one-machine mode and
 * tests; a write goes to a temporary file renamed into place, so a reader never sees half an object.
 */
package dev.canopy.storage.local;
