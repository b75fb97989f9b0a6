package dev.canopy.training;

import dev.canopy.data.Table;
import dev.canopy.error.InvalidInputException;

/**
 * A run's target, read once the task is known: the values a trainer fits ({@code y}) and the detection that
 * chose the task ({@link TaskDetector}). A regression's {@code y} is the column's numbers, checked exactly as
 * before classification existed, so a regression trains on the same values. A classification's {@code y} is
 * each row's class code {@code 0..k-1} as a double, in {@link ClassLabels} order; a row without a class is an
 * error that names it.
 */
record TargetColumn(double[] y, TaskDetector.Detection detection) {

    boolean classification() {
        return detection.task().isClassification();
    }

    /** The column {@code target} of {@code table} (the training data) under {@code options}. */
    static TargetColumn read(String field, Table table, String target, TaskOptions options) {
        Table.Column c = table.column(field, target);
        if (options.task() == Task.REGRESSION || !c.numeric() && !c.isText()) {
            // a column that is neither: the table's own error, naming the first value that is not a number
            double[] y = table.numeric(field, target);
            checkFinite(field, target, y);
            return new TargetColumn(y, TaskDetector.detect(target, Task.REGRESSION, y, options.maxClasses()));
        }
        TaskDetector.Detection d = c.numeric()
                ? TaskDetector.detect(target, options.task(), c.values(), options.maxClasses())
                : TaskDetector.detect(target, options.task(), c.text(), options.maxClasses());
        options.check(d);
        if (d.task() == Task.REGRESSION) {
            checkFinite(field, target, c.values());
            return new TargetColumn(c.values(), d);
        }
        return new TargetColumn(codes(field, target, d.classes(), c), d);
    }

    /**
     * The class codes of a column (the training data's, or the test data's against the training classes): a
     * value that is no class is an error naming it and its row, and so is a row without a value.
     */
    static double[] codes(String field, String target, ClassLabels labels, Table.Column c) {
        int[] codes;
        if (c.numeric() && labels.numeric()) {
            codes = labels.encode(field, c.values());
        } else if (c.numeric()) {
            // text classes; a test column that holds only numbers read as numbers: compare as the labels are written
            String[] text = new String[c.values().length];
            for (int i = 0; i < text.length; i++) {
                text[i] = Double.isNaN(c.values()[i]) ? null : ClassLabels.label(c.values()[i]);
            }
            codes = labels.encode(field, text);
        } else if (c.isText()) {
            codes = labels.encode(field, c.text());
        } else {
            throw new InvalidInputException(field, target, "holds no class values the reader kept");
        }
        double[] y = new double[codes.length];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0) {
                throw new InvalidInputException(field, target, "row " + (i + 1) + " has no class (an empty target); "
                        + "a classification needs a class in every row");
            }
            y[i] = codes[i];
        }
        return y;
    }

    static void checkFinite(String field, String column, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InvalidInputException(field, column, "the target must be a finite number in every row; row "
                        + (i + 1) + " holds " + v[i]);
            }
        }
    }

    /**
     * Refuses a split whose training rows lack a class: a class of the test rows that training never saw (named,
     * as the issue asks), or any class of the target that no training row has, which the classifiers could not
     * give a probability.
     *
     * @param test the test rows' codes
     */
    static void checkTrainingHasEveryClass(ClassLabels labels, double[] train, double[] test) {
        int k = labels.size();
        int[] trainCount = new int[k];
        for (double c : train) {
            trainCount[(int) c]++;
        }
        for (double c : test) {
            if (trainCount[(int) c] == 0) {
                throw new InvalidInputException("target", labels.labels().get((int) c), "this class occurs in the test "
                        + "rows but in no training row, so no model can predict it; --stratify splits every class "
                        + "between both");
            }
        }
        for (int c = 0; c < k; c++) {
            if (trainCount[c] == 0) {
                throw new InvalidInputException("target", labels.labels().get(c), "no training row has this class "
                        + "(its rows were left out: a gap in a feature, or the sample)");
            }
        }
    }
}
