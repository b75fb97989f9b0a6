package dev.canopy.error;

/** The object changed under us, e.g. a data set whose version differs from the one a run pinned. */
public class ConflictException extends CanopyException {
    public ConflictException(String message) {
        super(message, false);
    }
}
