/**
 * The storage port, {@code ObjectStore}, where data, models, status records and predictions live; URI
 * parsing, routing by scheme, and {@code GuardedObjectStore}, which refuses locations outside
 * {@code canopy.storage.allowed-locations}. Adapters: {@code s3}, {@code local}, {@code http}.
 */
package dev.canopy.storage;
