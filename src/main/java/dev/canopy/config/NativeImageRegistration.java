package dev.canopy.config;

import dev.canopy.cost.CostReport;
import dev.canopy.inference.BatchProgress;
import dev.canopy.model.FeatureEncoding;
import dev.canopy.pool.CallState;
import dev.canopy.training.ClassInsights;
import dev.canopy.training.ForestFanOut;
import dev.canopy.training.ModelInsights;
import dev.canopy.training.RunSummary;
import dev.canopy.training.SearchResult;
import dev.canopy.training.SearchSpace;
import dev.canopy.training.SearchStatus;
import dev.canopy.training.TrainInvocation;
import dev.canopy.training.TrainerState;
import dev.canopy.training.Trial;
import dev.canopy.inference.BatchPredictRequest;
import dev.canopy.inference.BatchPredictResult;
import dev.canopy.inference.PredictRequest;
import dev.canopy.inference.PredictResult;
import dev.canopy.inference.ShardResult;
import dev.canopy.training.DatasetSummary;
import dev.canopy.training.Metrics;
import dev.canopy.training.ClassificationMetrics;
import dev.canopy.training.ModelMetadata;
import dev.canopy.training.RunStatus;
import dev.canopy.training.StatusRequest;
import dev.canopy.training.SuperviseRequest;
import dev.canopy.training.SuperviseResult;
import dev.canopy.training.TrainRequest;
import dev.canopy.training.TrainResult;
import dev.canopy.training.TrainerStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection and serialization. The JVM needs none of this; GraalVM
 * removes whatever it cannot see being used, and Jackson, Java serialization and Canopy's reflective reads
 * of Smile's trees are all invisible to its analysis. {@code NativeImageRegistrationTest} checks these
 * lists against what the code really reads and writes.
 */
public final class NativeImageRegistration {
    private NativeImageRegistration() {
    }

    /** Request and response types of the functions, and the JSON objects kept in storage. */
    @RegisterForReflection(targets = {
            TrainRequest.class, TrainResult.class, DatasetSummary.class, SuperviseRequest.class, SuperviseResult.class,
            StatusRequest.class, RunStatus.class, TrainerStatus.class, ModelMetadata.class, Metrics.class,
            PredictRequest.class, PredictResult.class, BatchPredictRequest.class, BatchPredictResult.class,
            ShardResult.class, TrainerState.class, CallState.class,
            SearchSpace.class, SearchSpace.Range.class,
            SearchResult.class, Trial.class, TrainInvocation.class,
            SearchStatus.class, ModelInsights.class, ClassInsights.class, ClassInsights.CalibrationBin.class,
            FeatureEncoding.class, FeatureEncoding.Feature.class,
            RunSummary.class, DatasetSummary.Part.class, ForestFanOut.Share.class, CostReport.class,
            CostReport.FunctionCost.class, BatchProgress.class, ClassificationMetrics.class})
    public static final class Payloads {
    }

    /**
     * Every class a saved Smile model is made of, registered for Java serialization. The list is the
     * deserialization allow-list of {@link dev.canopy.model.ModelCodec} made concrete.
     */
    @RegisterForReflection(serialization = true, targets = {
            smile.regression.RandomForest.class, smile.regression.RandomForest.Model.class,
            smile.regression.GradientTreeBoost.class, smile.regression.RegressionTree.class,
            smile.model.cart.CART.class, smile.model.cart.InternalNode.class, smile.model.cart.OrdinalNode.class,
            smile.model.cart.LeafNode.class, smile.model.cart.RegressionNode.class,
            smile.data.formula.Formula.class, smile.data.formula.Term.class, smile.data.formula.Variable.class,
            smile.data.type.StructType.class, smile.data.type.StructField.class, smile.data.type.DataType.ID.class,
            smile.data.type.DoubleType.class, smile.data.type.FloatType.class, smile.data.type.PrimitiveType.class,
            smile.validation.RegressionMetrics.class,
            java.util.ArrayList.class, java.util.HashMap.class, java.lang.Integer.class, java.lang.Number.class,
            java.lang.Enum.class})
    public static final class SmileModels {
    }

    /**
     * Fields Canopy reads reflectively to flatten Smile's trees ({@code SmileTrees}), and reads and writes through
     * {@code VarHandle}s to split their nodes ({@code LeanSplit}).
     */
    @RegisterForReflection(fields = true, methods = false, targets = {
            smile.model.cart.OrdinalNode.class, smile.regression.GradientTreeBoost.class,
            smile.model.cart.Split.class, smile.model.cart.InternalNode.class, smile.model.cart.CART.class})
    public static final class SmileInternals {
    }

    // No Parquet codec is looked up by class name: pages go through dev.canopy.parquet.codec.PureJavaCodecs, plain
    // Java without JNI, so nothing of Hadoop's codec machinery or of snappy-java needs registering.
}
