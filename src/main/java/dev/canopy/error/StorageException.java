package dev.canopy.error;

/** A storage call that failed for a reason other than a missing object: I/O, throttling, 5xx, denial. */
public class StorageException extends CanopyException {
    public StorageException(String message, boolean retryable, Throwable cause) {
        super(message, retryable, cause);
    }
}
