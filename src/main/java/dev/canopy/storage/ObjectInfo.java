package dev.canopy.storage;

/**
 * What {@link ObjectStore#head} and {@link ObjectStore#list} report about one object.
 *
 * @param uri     the object's URI, in the same scheme it was asked for
 * @param size    size in bytes
 * @param version an opaque token that changes whenever the content changes: the S3 ETag, or for local
 *                files the modification time and size
 */
public record ObjectInfo(String uri, long size, String version) {
}
