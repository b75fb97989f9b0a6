/**
 * Read-only storage over HTTPS, for public data sets ({@code --data https://...}); an object's version is its
 * ETag, or Last-Modified and length.
 */
package dev.canopy.storage.http;
