package dev.canopy.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The template reader {@code serve} uses ({@link dev.canopy.serve.CloudFormationYaml}), for the infra tests. */
public final class CloudFormationYaml {
    private CloudFormationYaml() {
    }

    public static Map<String, Object> load(Path file) throws IOException {
        return dev.canopy.serve.CloudFormationYaml.load(file);
    }
}
