package dev.canopy.error;

/** A data set, model, shard or status object that does not exist. Permanent. */
public class ObjectNotFoundException extends CanopyException {
    private final String uri;

    public ObjectNotFoundException(String uri) {
        super("object not found: " + uri, false);
        this.uri = uri;
    }

    /** @param message says what was looked for and where, naming {@code uri} */
    public ObjectNotFoundException(String uri, String message) {
        super(message, false);
        this.uri = uri;
    }

    public String uri() {
        return uri;
    }
}
