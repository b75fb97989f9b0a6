package dev.canopy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Collection;

/**
 * Makes unknown request fields an error in the Lambda payload mapper too. Quarkus' Lambda runtime copies
 * the application's ObjectMapper and then turns FAIL_ON_UNKNOWN_PROPERTIES off; a problem handler survives
 * the copy and runs before that setting is consulted. A misspelt field ({@code "algoritms"}) would
 * otherwise be ignored silently and the run would use defaults the caller did not ask for.
 */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                 JsonDeserializer<?> deserializer, Object beanOrClass,
                                                 String propertyName) throws IOException {
                Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
                throw UnrecognizedPropertyException.from(p, beanOrClass, propertyName, known);
            }
        });
    }
}
