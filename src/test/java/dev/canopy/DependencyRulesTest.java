package dev.canopy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The project's dependency rules on the main classes. Domain packages are plain Java; {@code function} calls
 * services, services reach the outside world only through ports ({@code storage}, {@code invoke}), and the
 * adapters behind the ports are chosen by the CDI wiring ({@code config}) or a command-line launcher.
 */
class DependencyRulesTest {
    /** Runtime frameworks and cloud SDKs: none of them may reach the domain. JBoss Logging is a facade and allowed. */
    static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta.enterprise..", "jakarta.inject..",
            "software.amazon..", "com.amazonaws..", "io.vertx..", "org.eclipse.microprofile..", "io.smallrye.."};

    static final DescribedPredicate<JavaClass> FRAMEWORK = resideInAnyPackage(FRAMEWORKS);

    static final ArchRule servicesAndModelArePlainJava = noClasses()
            .that().resideInAnyPackage("dev.canopy.training..", "dev.canopy.inference..", "dev.canopy.model..",
                    "dev.canopy.report..", "dev.canopy.cost..", "dev.canopy.data..", "dev.canopy.predictions..",
                    "dev.canopy.sample..")
            .should().dependOnClassesThat(FRAMEWORK)
            .because("domain code runs the same in Lambda, on a command line and in a unit test");

    // The pool's retry and timeout policy is built on SmallRye Fault Tolerance's programmatic API (Guard,
    // TypedGuard, CustomBackoffStrategy), the library the design names for it: that API, and nothing else of
    // SmallRye, Quarkus, CDI or AWS, is allowed in pool.
    static final ArchRule poolIsPlainJavaPlusFaultToleranceApi = noClasses()
            .that().resideInAPackage("dev.canopy.pool..")
            .should().dependOnClassesThat(FRAMEWORK.and(not(resideInAPackage("io.smallrye.faulttolerance.api.."))))
            .because("the pool is domain code; only SmallRye Fault Tolerance's API is allowed in it");

    static final ArchRule trainingDoesNotUseInference = noClasses()
            .that().resideInAPackage("dev.canopy.training..")
            .should().dependOnClassesThat().resideInAPackage("dev.canopy.inference..")
            .because("what training and inference share lives in dev.canopy.model");

    static final ArchRule trainingAndInferenceDoNotUseReport = noClasses()
            .that().resideInAnyPackage("dev.canopy.training..", "dev.canopy.inference..")
            .should().dependOnClassesThat().resideInAPackage("dev.canopy.report..")
            .because("a report is a view of a finished run; training never waits on one");

    static final ArchRule inferenceDoesNotUseTraining = noClasses()
            .that().resideInAPackage("dev.canopy.inference..")
            .should().dependOnClassesThat().resideInAPackage("dev.canopy.training..")
            .because("what training and inference share lives in dev.canopy.model");

    static final ArchRule predictorNeverLoadsXgboost = noClasses()
            .that().resideInAnyPackage("dev.canopy.inference..", "dev.canopy.model..")
            .should().dependOnClassesThat().resideInAPackage("ml.dmlc..")
            .because("the predictor scores converted .trees and carries no native code; XGBoost trains only");

    static final ArchRule onlyTheXgboostTrainerUsesXgboost = noClasses()
            .that().haveNameNotMatching("dev\\.canopy\\.training\\.XgboostTrainer(\\$.*)?")
            .should().dependOnClassesThat().resideInAPackage("ml.dmlc..")
            .because("loading XGBoost's classes loads its native library: one class holds that, the trainer's");

    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Functions").definedBy("dev.canopy.function..")
            // report reads a training run's records and renders them: a service beside training
            .layer("Services").definedBy("dev.canopy.training..", "dev.canopy.inference..", "dev.canopy.report..")
            .layer("Model").definedBy("dev.canopy.model..")
            .layer("Pool").definedBy("dev.canopy.pool..")
            // the port packages themselves, without their adapter subpackages
            .layer("Ports").definedBy("dev.canopy.storage", "dev.canopy.invoke")
            .layer("Adapters").definedBy("dev.canopy.storage.s3..", "dev.canopy.storage.local..",
                    "dev.canopy.storage.http..", "dev.canopy.invoke.lambda..", "dev.canopy.invoke.local..")
            .layer("Wiring").definedBy("dev.canopy.config..")
            .layer("Launchers").definedBy("dev.canopy.cli..", "dev.canopy.serve..")
            // sample data (downloads, synthetic shards and parts) is made by the command line for demos and benches
            .layer("Samples").definedBy("dev.canopy.sample..")

            .whereLayer("Functions").mayOnlyBeAccessedByLayers("Launchers")
            // Functions read their @ConfigMapping (CanopyConfig) from Wiring, and call services
            .whereLayer("Functions").mayOnlyAccessLayers("Services", "Wiring")
            .whereLayer("Services").mayOnlyBeAccessedByLayers("Functions", "Wiring", "Launchers")
            .whereLayer("Services").mayOnlyAccessLayers("Model", "Ports", "Pool")
            .whereLayer("Model").mayOnlyBeAccessedByLayers("Services", "Wiring", "Launchers")
            .whereLayer("Model").mayNotAccessAnyLayer()
            .whereLayer("Pool").mayNotAccessAnyLayer()
            .whereLayer("Ports").mayOnlyAccessLayers("Pool")
            .whereLayer("Adapters").mayOnlyBeAccessedByLayers("Wiring", "Launchers")
            .whereLayer("Adapters").mayOnlyAccessLayers("Ports", "Pool")
            .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Functions", "Launchers")
            .whereLayer("Samples").mayOnlyBeAccessedByLayers("Launchers")
            .whereLayer("Samples").mayNotAccessAnyLayer();

    /**
     * Libraries (errors, JSON, log context, table readers, predictions writers, sample data; the layers above say
     * who may use the samples) depend on no layer but the storage port.
     */
    static final ArchRule sharedLibrariesAreLeaves = noClasses()
            .that().resideInAnyPackage("dev.canopy.error..", "dev.canopy.json..", "dev.canopy.log..", "dev.canopy.data..",
                    "dev.canopy.predictions..", "dev.canopy.sample..", "dev.canopy.parquet..", "dev.canopy.cost..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.canopy.function..", "dev.canopy.training..",
                    "dev.canopy.inference..", "dev.canopy.model..", "dev.canopy.pool..", "dev.canopy.invoke..", "dev.canopy.report..",
                    "dev.canopy.storage.s3..", "dev.canopy.storage.local..", "dev.canopy.storage.http..",
                    "dev.canopy.config..", "dev.canopy.cli..", "dev.canopy.serve..");

    /**
     * Reading users' tables knows nothing of what writes predictions or makes sample data: the writers read the
     * kept columns the readers gather, and the generators write Parquet through dev.canopy.parquet alone.
     */
    static final ArchRule dataReadsOnly = noClasses()
            .that().resideInAPackage("dev.canopy.data..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.canopy.predictions..", "dev.canopy.sample..")
            .because("dev.canopy.data reads users' tables; writers and generators build on it, never the reverse");

    static final ArchRule samplesStandAlone = noClasses()
            .that().resideInAPackage("dev.canopy.sample..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.canopy.data..", "dev.canopy.predictions..")
            .because("sample data is written with dev.canopy.parquet alone, so it is made the way any producer makes it");

    /** The Parquet library stands alone: it could leave Canopy as its own artifact. */
    static final ArchRule parquetIsSelfContained = noClasses()
            .that().resideInAPackage("dev.canopy.parquet..")
            .should().dependOnClassesThat(resideInAPackage("dev.canopy..").and(not(resideInAPackage("dev.canopy.parquet.."))))
            .because("dev.canopy.parquet is a self-contained library; Canopy's adapters (dev.canopy.data) map its errors");

    /** Canopy's top-level packages depend on each other one way only (a subpackage belongs to its top-level package). */
    static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.canopy.(*)..").should().beFreeOfCycles();

    /**
     * Nor do any two packages, subpackages included: {@code model.xgboost} and {@code model.lightgbm} build on
     * {@code model}, and what tells model files apart ({@code model.files}) sits above all three.
     */
    static final ArchRule everyPackageIsFreeOfCycles = slices().matching("dev.canopy.(**)").should().beFreeOfCycles();

    /**
     * Nor do the command packages among themselves: {@code cli} registers the {@code cli.bench} commands, so what
     * both use lives in {@code cli.shared}, which uses neither.
     */
    static final ArchRule commandPackagesAreFreeOfCycles = noClasses()
            .that().resideInAnyPackage("dev.canopy.cli.bench..", "dev.canopy.cli.shared..")
            .should().dependOnClassesThat().resideInAPackage("dev.canopy.cli")
            .because("cli registers the bench commands; what both use is in cli.shared, which uses neither");
    static final ArchRule sharedUsesNoCommands = noClasses().that().resideInAPackage("dev.canopy.cli.shared..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.canopy.cli", "dev.canopy.cli.bench..");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.canopy");
    }

    @Test
    void servicesAndModelImportNoFrameworkOrSdk() {
        servicesAndModelArePlainJava.check(main);
    }

    @Test
    void poolImportsOnlyTheFaultToleranceApi() {
        poolIsPlainJavaPlusFaultToleranceApi.check(main);
    }

    @Test
    void trainingAndInferenceShareOnlyTheModelPackage() {
        trainingDoesNotUseInference.check(main);
        inferenceDoesNotUseTraining.check(main);
        trainingAndInferenceDoNotUseReport.check(main);
    }

    @Test
    void onlyTheTrainerLoadsXgboostNeverThePredictor() {
        predictorNeverLoadsXgboost.check(main);
        onlyTheXgboostTrainerUsesXgboost.check(main);
    }

    @Test
    void functionsCallServicesWhichUsePortsAndOnlyTheWiringPicksAdapters() {
        layers.check(main);
    }

    @Test
    void parquetUsesNothingElseOfCanopy() {
        parquetIsSelfContained.check(main);
    }

    @Test
    void sharedLibrariesDependOnNoLayer() {
        sharedLibrariesAreLeaves.check(main);
    }

    @Test
    void tableReadersKnowNeitherPredictionsNorSamples() {
        dataReadsOnly.check(main);
        samplesStandAlone.check(main);
    }

    @Test
    void packagesHaveNoCycles() {
        packagesAreFreeOfCycles.check(main);
        everyPackageIsFreeOfCycles.check(main);
        commandPackagesAreFreeOfCycles.check(main);
        sharedUsesNoCommands.check(main);
    }

    /** A Canopy class written by its full name in code, outside imports, comments and strings. */
    static final Pattern FULL_NAME = Pattern.compile("(?<![\\w.])dev\\.canopy\\.(?:[a-z]\\w*\\.)+[A-Z]\\w*");

    /**
     * Canopy's own classes are imported, never named in full in code: an import shows a reader (and tools
     * that read imports) every dependency of a file at its top. ArchUnit sees compiled classes, where the two
     * look alike, so this reads the sources.
     */
    @Test
    void sourcesImportCanopyClassesInsteadOfNamingThemInFull() throws IOException {
        List<String> found = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String[] lines = codeOnly(Files.readString(f)).split("\n", -1);
                    for (int i = 0; i < lines.length; i++) {
                        String line = lines[i].strip();
                        if (line.startsWith("import ") || line.startsWith("package ")) {
                            continue;
                        }
                        Matcher m = FULL_NAME.matcher(line);
                        while (m.find()) {
                            found.add(f + ":" + (i + 1) + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void theSourceScanSeesFullNamesInCodeOnly() {
        String code = codeOnly("a = dev.canopy.x.Y.f(); // dev.canopy.x.Z\n/* dev.canopy.x.W */ s = \"dev.canopy.x.V\";\n");
        Matcher m = FULL_NAME.matcher(code);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            seen.add(m.group());
        }
        assertEquals(List.of("dev.canopy.x.Y"), seen);
    }

    /** The source with comments and string and character literals blanked out, line breaks kept. */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                src.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                src.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                out.append("\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(c).append(c);
                i = Math.min(n, j + 1);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
