package dev.canopy.model;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models are read from shared buckets: only Smile's model classes may be deserialized. */
class ModelCodecTest {

    /** Stands for a gadget class an attacker would smuggle into a "model" object. */
    static final class Gadget implements Serializable {
        String command = "touch /tmp/pwned";
    }

    @Test
    void aSerializedObjectOfAClassOutsideTheAllowListIsRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Gadget());
        }
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelCodec.read("s3://shared/evil.model", bytes.toByteArray()));
        assertTrue(e.getMessage().contains("model rejected: class dev.canopy.model.ModelCodecTest$Gadget is not allowed"),
                e.getMessage());
    }

    @Test
    void aGadgetHiddenInsideAnAllowedCollectionIsRejectedToo() {
        List<Object> list = new ArrayList<>(List.of("a", new Gadget()));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelCodec.read("s3://shared/evil.model", ModelCodec.write(list)));
        assertTrue(e.getMessage().contains("Gadget"), e.getMessage());
    }

    @Test
    void deepNestingIsRejectedByTheDepthLimit() {
        Object nested = null;
        for (int i = 0; i < 200; i++) {
            ArrayList<Object> l = new ArrayList<>();
            l.add(nested);
            nested = l;
        }
        Object deep = nested;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelCodec.read("m", ModelCodec.write(deep)));
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
    }

    @Test
    void garbageIsNotAReadableModel() {
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelCodec.read("m", new byte[]{1, 2, 3}))
                .getMessage().contains("not a readable model"));
    }
}
