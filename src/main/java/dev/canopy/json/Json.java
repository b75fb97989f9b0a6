package dev.canopy.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.canopy.error.InvalidInputException;

import java.io.IOException;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapping Canopy uses for what it stores (status, metadata, results) and for in-process
 * invocations, so that local runs serialize exactly as Lambda payloads do. Unknown fields are errors.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + what + ": "
                    + new String(json, 0, Math.min(json.length, 120), StandardCharsets.UTF_8), e);
        }
    }

    /**
     * Reads a request strictly: unknown fields, wrong types and malformed JSON become an
     * {@link InvalidInputException} that names the field (as a path such as {@code params.trees}) and the
     * offending value, instead of a parser stack trace.
     */
    public static <T> T request(JsonNode json, Class<T> type) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            throw new InvalidInputException("request", null, "a " + type.getSimpleName() + " JSON object is required");
        }
        if (!json.isObject()) {
            throw new InvalidInputException("request", json.toString(), "must be a JSON object");
        }
        try {
            return MAPPER.treeToValue(json, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : "; known fields: " + e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw new InvalidInputException(path(e), e.getPropertyName(), "unknown field" + known);
        } catch (InvalidFormatException e) {
            throw new InvalidInputException(path(e), e.getValue(), "expected " + simple(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new InvalidInputException(path(e), valueAt(json, e), "expected " + simple(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new InvalidInputException(path(e), null, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("request", null, e.getOriginalMessage());
        }
    }

    /** Parses a JSON text and reads it as {@link #request(JsonNode, Class)} does. */
    public static <T> T request(String json, Class<T> type) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("request", json == null ? null : json.substring(0, Math.min(json.length(), 80)),
                    "malformed JSON: " + e.getOriginalMessage());
        }
        return request(node, type);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "request" : sb.toString();
    }

    private static String valueAt(JsonNode root, JsonMappingException e) {
        JsonNode n = root;
        for (JsonMappingException.Reference r : e.getPath()) {
            n = r.getFieldName() != null ? n.path(r.getFieldName()) : n.path(r.getIndex());
        }
        return n.isMissingNode() ? null : n.toString();
    }

    private static String simple(Class<?> c) {
        if (c == null) {
            return "another type";
        }
        if (Number.class.isAssignableFrom(c) || (c.isPrimitive() && c != boolean.class)) {
            return "a number";
        }
        if (c == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(c) || c.isRecord()) {
            return "an object";
        }
        return c.getSimpleName();
    }
}
