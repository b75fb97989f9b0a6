package dev.canopy.training;

import dev.canopy.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskDetectorTest {
    private static final double NaN = Double.NaN;
    private static final int MAX = TaskDetector.DEFAULT_MAX_CLASSES;

    @Test
    void zeroOneTargetIsBinaryOnAuto() {
        TaskDetector.Detection d = TaskDetector.detect("churn", Task.AUTO, new double[]{0, 1, NaN, 1, 0, 0}, MAX);
        assertEquals(Task.BINARY, d.task());
        assertEquals(List.of("0", "1"), d.classes().labels());
        assertEquals("task binary (auto): target churn holds only 0 and 1", d.firstLine());
        assertEquals(1, d.missing());
        assertNull(d.notice());
        assertArrayEquals(new int[]{0, 1, -1, 1, 0, 0}, d.classes().encode("churn", new double[]{0, 1, NaN, 1, 0, 0}));
    }

    @Test
    void textTargetIsAClassificationWithLabelsInCodePointOrder() {
        // python3 -c "import numpy as np; print(np.unique(['Ａ','𝔸','b','B','é']))"  ->  ['B' 'b' 'é' 'Ａ' '𝔸']
        // Java's String.compareTo would put '𝔸' (a surrogate pair) before 'Ａ' (U+FF21).
        String[] y = {"b", "\uFF21", null, "\uD835\uDD38", "B", "é", "b"};
        TaskDetector.Detection d = TaskDetector.detect("kind", Task.AUTO, y, MAX);
        assertEquals(Task.MULTICLASS, d.task());
        assertEquals(List.of("B", "b", "é", "\uFF21", "\uD835\uDD38"), d.classes().labels());
        assertEquals(1, d.missing());
        assertTrue(d.firstLine().startsWith("task multiclass (auto): target kind is text with 5 classes (B, b, é"), d.firstLine());
        assertArrayEquals(new int[]{1, 3, -1, 4, 0, 2, 1}, d.classes().encode("kind", y));

        TaskDetector.Detection two = TaskDetector.detect("paid", Task.AUTO, new String[]{"no", "yes", "no"}, MAX);
        assertEquals(Task.BINARY, two.task());
        assertEquals(List.of("no", "yes"), two.classes().labels());
    }

    @Test
    void booleanTextIsBinaryWithFalseFirst() {
        String[] y = {"True", "False", "true", null, "FALSE"};
        TaskDetector.Detection d = TaskDetector.detect("fraud", Task.AUTO, y, MAX);
        assertEquals(Task.BINARY, d.task());
        assertEquals(List.of("false", "true"), d.classes().labels());
        assertTrue(d.classes().bool());
        assertEquals("task binary (auto): target fraud is boolean (false, true)", d.firstLine());
        assertArrayEquals(new int[]{1, 0, 1, -1, 0}, d.classes().encode("fraud", y));
    }

    @Test
    void fewWholeNumbersStayARegressionWithANotice() {
        double[] y = {1, 2, 3, 4, 5, 3, 2, NaN};
        TaskDetector.Detection d = TaskDetector.detect("rating", Task.AUTO, y, MAX);
        assertEquals(Task.REGRESSION, d.task());
        assertNull(d.classes());
        assertTrue(d.firstLine().startsWith("task regression (auto): target rating holds 5 distinct whole numbers (1, 2, 3, 4, 5)"),
                d.firstLine());
        assertTrue(d.notice().contains("--task multiclass"), d.notice());

        double[] many = IntStream.range(0, 21).asDoubleStream().toArray();
        TaskDetector.Detection wide = TaskDetector.detect("count", Task.AUTO, many, MAX);
        assertEquals(Task.REGRESSION, wide.task());
        assertNull(wide.notice(), "21 distinct whole numbers is more than max_classes 20: no notice");
        assertEquals("task regression (auto): target count is numeric with more than 20 distinct values", wide.firstLine());
        // with a higher bound the same target gets the notice
        assertTrue(TaskDetector.detect("count", Task.AUTO, many, 30).notice().contains("21 distinct whole numbers"));

        TaskDetector.Detection real = TaskDetector.detect("price", Task.AUTO, new double[]{1.5, 2, 0, 1}, MAX);
        assertEquals(Task.REGRESSION, real.task());
        assertNull(real.notice());
        assertEquals("task regression (auto): target price is numeric with 4 distinct values", real.firstLine());
    }

    @Test
    void requestedTasksAreCheckedAgainstTheValues() {
        TaskDetector.Detection multi = TaskDetector.detect("grade", Task.MULTICLASS, new double[]{10, -1, 2, 10}, MAX);
        assertEquals(Task.MULTICLASS, multi.task());
        // numeric order, as np.unique of numbers (not "-1", "10", "2" as text would sort)
        assertEquals(List.of("-1", "2", "10"), multi.classes().labels());
        assertEquals("task multiclass (requested): target grade has 3 classes (-1, 2, 10)", multi.firstLine());

        TaskDetector.Detection bin = TaskDetector.detect("y", Task.BINARY, new double[]{1, 2, 2}, MAX);
        assertEquals(List.of("1", "2"), bin.classes().labels());
        assertEquals(List.of("0.5", "2"), TaskDetector.detect("y", Task.BINARY, new double[]{0.5, 2}, MAX).classes().labels());

        TaskDetector.Detection reg = TaskDetector.detect("y", Task.REGRESSION, new double[]{0, 1, 1}, MAX);
        assertEquals(Task.REGRESSION, reg.task());
        assertEquals("task regression (requested): target y is numeric", reg.firstLine());

        InvalidInputException three = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("y", Task.BINARY, new double[]{1, 2, 3}, MAX));
        assertEquals("target", three.field());
        assertTrue(three.getMessage().contains("target=\"y\"") && three.getMessage().contains("exactly two classes")
                && three.getMessage().contains("(1, 2, 3)"), three.getMessage());

        InvalidInputException text = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("species", Task.REGRESSION, new String[]{"1", null, "setosa"}, MAX));
        assertTrue(text.getMessage().contains("row 3 holds \"setosa\""), text.getMessage());
    }

    @Test
    void badTargetsAreRefusedNamingTheColumn() {
        String[] labels = IntStream.range(0, 30).mapToObj(i -> "c" + i).toArray(String[]::new);
        InvalidInputException wide = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("city", Task.AUTO, labels, MAX));
        assertTrue(wide.getMessage().startsWith("target=\"city\": has more than 20 classes"), wide.getMessage());
        assertTrue(wide.getMessage().contains("--max-classes"), wide.getMessage());
        assertEquals(30, TaskDetector.detect("city", Task.AUTO, labels, 40).classes().size());

        InvalidInputException one = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("y", Task.AUTO, new String[]{"a", "a", null}, MAX));
        assertTrue(one.getMessage().contains("a single class (a)"), one.getMessage());

        InvalidInputException inf = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("y", Task.AUTO, new double[]{1, Double.POSITIVE_INFINITY}, MAX));
        assertTrue(inf.getMessage().contains("row 2 holds Infinity"), inf.getMessage());

        InvalidInputException empty = assertThrows(InvalidInputException.class,
                () -> TaskDetector.detect("y", Task.AUTO, new double[]{NaN, NaN}, MAX));
        assertTrue(empty.getMessage().contains("all missing"), empty.getMessage());

        InvalidInputException bound = assertThrows(InvalidInputException.class, () -> TaskDetector.maxClasses("max_classes", 1));
        assertEquals("max_classes", bound.field());
        assertEquals(20, TaskDetector.maxClasses("max_classes", null));
    }

    @Test
    void taskParsesItsNamesOnly() {
        assertEquals(Task.BINARY, Task.parse("task", " Binary "));
        assertEquals(Task.AUTO, Task.parse("task", null));
        assertEquals("multiclass", Task.MULTICLASS.id());
        assertTrue(Task.MULTICLASS.isClassification());
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> Task.parse("task", "classify"));
        assertEquals("task=\"classify\": must be one of auto, regression, binary, multiclass", bad.getMessage());
    }

    @Test
    void unseenLabelsAreErrorsWhenEncodingAndMinusOneWhenLookedUp() {
        ClassLabels labels = ClassLabels.ofText(List.of("cash", "card"));
        assertEquals(-1, labels.code("voucher"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> labels.encode("payment_type", new String[]{"card", "voucher"}));
        assertEquals("payment_type=\"voucher\": row 2 holds a class that is not one of the 2 known classes (card, cash)",
                e.getMessage());
        ClassLabels numbers = ClassLabels.ofNumbers(new double[]{3, -0.0, 3, 1});
        assertEquals(List.of("0", "1", "3"), numbers.labels());
        assertEquals(0, numbers.code(-0.0));
        assertEquals(-1, numbers.code(2));
        assertThrows(InvalidInputException.class, () -> numbers.encode("y", new double[]{1, 2}));
    }
}
