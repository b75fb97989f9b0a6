package dev.canopy.inference;

import dev.canopy.error.InvalidInputException;
import dev.canopy.model.ModelCodec;
import dev.canopy.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Predictors load numbers-only .trees files and rules; a Java-serialized .model is never deserialized by them. */
class ModelLoaderFormatsTest {
    @Test
    void aJavaSerializedModelIsNotReadByThePredictorsLoader() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.put("mem://m/rf.model", ModelCodec.write(new ArrayList<>(List.of("anything"))));
        store.put("mem://m/rf.json", "{\"features\":[\"a\"]}".getBytes(StandardCharsets.UTF_8));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelLoader.load(store, "mem://m/rf.model", null));
        assertTrue(e.getMessage().contains("a Java-serialized Smile .model is not loaded here"), e.getMessage());
        // the explicit opt-in still reads it, through the allow-list
        InvalidInputException optIn = assertThrows(InvalidInputException.class,
                () -> ModelLoader.load(store, "mem://m/rf.model", null, true));
        assertTrue(!optIn.getMessage().contains("predictors load"), optIn.getMessage());
    }
}
