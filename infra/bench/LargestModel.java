import dev.canopy.model.TreeBuilder;
import dev.canopy.model.TreeCodec;
import dev.canopy.model.TreeEnsemble;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * Writes a forest as large as canopy.model.max-bytes allows, to measure what loading it takes: random trees
 * over 8 features (California housing's), each grown by splitting its oldest open leaf until it has its leaves,
 * and the metadata of a model trained on the same features copied beside it.
 *
 * <pre>
 * java -cp target/classes infra/bench/LargestModel.java 100 46000 /tmp/big/big.trees run/models/random_forest.json
 * </pre>
 */
public class LargestModel {
    public static void main(String[] args) throws Exception {
        int trees = Integer.parseInt(args[0]);
        int leaves = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Random random = new Random(1);
        TreeBuilder b = new TreeBuilder(trees * (2 * leaves - 1));
        int[] roots = new int[trees];
        for (int t = 0; t < trees; t++) {
            roots[t] = b.reserve();
            ArrayDeque<Integer> open = new ArrayDeque<>();
            open.add(roots[t]);
            for (int count = 1; count < leaves; count++) {
                int id = open.poll();
                int l = b.reserve();
                int r = b.reserve();
                b.split(id, random.nextInt(8), random.nextGaussian() * 3 + 3, random.nextBoolean(), l, r);
                open.add(l);
                open.add(r);
            }
            for (int id : open) {
                b.leaf(id, random.nextGaussian());
            }
        }
        TreeEnsemble e = b.build(roots, 0, 1.0 / trees, 8, TreeEnsemble.Output.IDENTITY);
        byte[] bytes = TreeCodec.write(e);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, bytes);
        String name = out.getFileName().toString().replaceFirst("\\.trees$", ".json");
        Files.copy(Path.of(args[3]), out.resolveSibling(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%,d nodes, %,d bytes of .trees%n", e.nodes(), bytes.length);
    }
}
