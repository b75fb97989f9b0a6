package dev.canopy.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lists the build hands Surefire's executions agree with {@link QuarkusTestsFilter}: a class listed on the
 * wrong side would be skipped by name in the execution that should run it, and run in neither.
 */
class TestGroupsTest {

    @Test
    void everyListedClassIsInTheGroupTheFilterPutsItIn() throws Exception {
        Path classes = Path.of(TestGroupsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, TestGroups.Group> groups = TestGroups.classify(classes);
        List<String> wrong = new ArrayList<>();
        int quarkus = 0;
        for (var e : groups.entrySet()) {
            if (e.getValue() == TestGroups.Group.UNKNOWN) {
                continue;
            }
            Class<?> cls = Class.forName(e.getKey(), false, TestGroupsTest.class.getClassLoader());
            boolean startsQuarkus = QuarkusTestsFilter.startsQuarkus(cls);
            if (startsQuarkus != (e.getValue() == TestGroups.Group.QUARKUS)) {
                wrong.add(e.getKey() + " listed " + e.getValue());
            }
            quarkus += startsQuarkus ? 1 : 0;
        }
        assertEquals(List.of(), wrong);
        // the project's own Quarkus tests are found, so the lists are not trivially empty
        // annotated itself, and a subclass of another test class (BadInputContract)
        assertEquals(TestGroups.Group.QUARKUS, groups.get("dev.canopy.function.TrainFunctionTest"));
        assertEquals(TestGroups.Group.PLAIN, groups.get(TestGroupsTest.class.getName()));
        assertTrue(quarkus >= 10, "Quarkus test classes found: " + quarkus);
    }
}
