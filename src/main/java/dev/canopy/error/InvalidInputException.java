package dev.canopy.error;

/**
 * Bad input: a request field, a data column, a parameter. Permanent, never retried. The message always
 * names the field and the offending value so that the caller can fix the request without reading code.
 */
public class InvalidInputException extends CanopyException {
    private final String field;

    public InvalidInputException(String field, Object value, String problem) {
        super(field + "=" + render(value) + ": " + problem, false);
        this.field = field;
    }

    public String field() {
        return field;
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        String s = String.valueOf(value);
        // Values come from users; keep messages one line and bounded.
        s = s.replace('\n', ' ').replace('\r', ' ');
        return s.length() > 200 ? '"' + s.substring(0, 200) + "\"…" : '"' + s + '"';
    }
}
