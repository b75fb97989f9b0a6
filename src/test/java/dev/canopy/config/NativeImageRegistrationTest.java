package dev.canopy.config;

import dev.canopy.data.CsvTableReader;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.PredictRequest;
import dev.canopy.model.ModelCodec;
import dev.canopy.testing.TestData;
import dev.canopy.training.Algorithm;
import dev.canopy.training.FeatureMatrix;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.ModelMetadata;
import dev.canopy.training.ProgressListener;
import dev.canopy.training.SmileTrainer;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainingParams;
import io.quarkus.funqy.Funq;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native-image registrations cover what the code really serializes, deserializes and maps to JSON. */
class NativeImageRegistrationTest {

    static Set<Class<?>> targets(Class<?> holder) {
        return Set.of(holder.getAnnotation(RegisterForReflection.class).targets());
    }

    /** Every class met while deserializing a model of each algorithm is registered and on the allow-list. */
    @Test
    void serializationRegistrationCoversEveryClassOfEverySavedModel() throws Exception {
        var t = CsvTableReader.read("d", TestData.housingCsvBytes(300, 1));
        List<String> names = t.names();
        double[][] rows = new double[t.rows()][names.size()];
        for (int j = 0; j < names.size(); j++) {
            double[] c = t.numeric("x", names.get(j));
            for (int i = 0; i < t.rows(); i++) {
                rows[i][j] = c[i];
            }
        }
        ObjectInputFilter allowList = ObjectInputFilter.Config.createFilter(ModelCodec.ALLOWED);
        Set<Class<?>> registered = targets(NativeImageRegistration.SmileModels.class);
        Set<String> missing = new TreeSet<>();
        for (Algorithm a : Algorithm.values()) {
            if (a == Algorithm.GRADIENT_BOOSTING) {
                continue; // saved as XGBoost's JSON and .trees: no Java serialization
            }
            Map<String, Object> o = new HashMap<>();
            if (a != Algorithm.DECISION_TREE) {
                o.put("trees", 3);
            }
            Object model = SmileTrainer.fit(a, TrainingParams.resolve(a, o), FeatureMatrix.ofRows(rows, names.toArray(String[]::new)), 1,
                    ProgressListener.NONE);
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(ModelCodec.write(model)))) {
                in.setObjectInputFilter(info -> {
                    Class<?> c = info.serialClass();
                    if (c != null) {
                        // primitive arrays are UNDECIDED under a pattern filter, which deserialization accepts
                        assertTrue(allowList.checkInput(info) != ObjectInputFilter.Status.REJECTED, c + " is not on the allow-list");
                        while (c.isArray()) {
                            c = c.getComponentType();
                        }
                        if (!c.isPrimitive() && !registered.contains(c) && c != Object.class && c != Map.Entry.class) {
                            missing.add(c.getName());
                        }
                    }
                    return ObjectInputFilter.Status.ALLOWED;
                });
                in.readObject();
            }
        }
        assertTrue(missing.isEmpty(), "register for serialization: " + missing);
    }

    /** Every type a function takes or returns, and every record or enum inside those, is registered. */
    @Test
    void payloadRegistrationCoversEveryFunctionType() throws Exception {
        Set<Class<?>> registered = targets(NativeImageRegistration.Payloads.class);
        Set<Class<?>> needed = new HashSet<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/dev/canopy/function"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Class<?> c = Class.forName("dev.canopy.function." + p.getFileName().toString().replace(".class", ""));
                for (Method m : c.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Funq.class)) {
                        collect(m.getGenericReturnType(), needed);
                        // requests arrive as JSON trees and are read into these types by Json.request
                        for (Type param : m.getGenericParameterTypes()) {
                            collect(param, needed);
                        }
                    }
                }
            }
        }
        for (Class<?> request : List.of(TrainRequest.class, SuperviseRequest.class,
                StatusRequest.class, PredictRequest.class,
                BatchPredictRequest.class, ModelMetadata.class, ModelInsights.class)) {
            collect(request, needed);
        }
        needed.removeIf(c -> !c.getName().startsWith("dev.canopy."));
        assertTrue(needed.size() >= 15, "the walk found the payload types: " + needed);
        Set<String> missing = new TreeSet<>();
        needed.stream().filter(c -> !registered.contains(c)).forEach(c -> missing.add(c.getName()));
        assertTrue(missing.isEmpty(), "register for reflection: " + missing);
    }

    private static void collect(Type t, Set<Class<?>> out) {
        if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, out);
            }
        } else if (t instanceof Class<?> c && out.add(c) && c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                collect(rc.getGenericType(), out);
            }
        }
    }
}
