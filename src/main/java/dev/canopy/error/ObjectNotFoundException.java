package dev.canopy.error;

/** A data set, model, shard or status object that does not exist. Permanent. */
public class ObjectNotFoundException extends CanopyException {
    private final String uri;

    public ObjectNotFoundException(String uri) {
        super("object not found: " + uri, false);
        this.uri = uri;
    }

    public String uri() {
        return uri;
    }
}
