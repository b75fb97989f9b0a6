package dev.canopy.cli;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine;

import java.util.Optional;

/**
 * The artifact's main: Canopy's command line ({@link CanopyCommand}), or, in a Lambda container (native
 * build) where there are no arguments and the Lambda runtime API is set, the function serving invocations
 * as Quarkus' default main would.
 */
@QuarkusMain
public class CanopyMain implements QuarkusApplication {

    @ConfigProperty(name = "aws.lambda.runtime.api")
    Optional<String> lambdaRuntimeApi;

    @Override
    public int run(String... argv) {
        if (argv.length == 0 && lambdaRuntimeApi.isPresent()) {
            Quarkus.waitForExit();
            return 0;
        }
        CommandLine cli = CanopyCommand.commandLine(new ArcFactory());
        try {
            return cli.execute(argv);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /**
     * Commands are CDI beans ({@code @Dependent}, so each is a plain instance picocli can fill in) and get
     * Canopy's services injected; everything else picocli creates (mixins, converters, collections,
     * {@code help}) comes from its own factory.
     */
    static final class ArcFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            ArcContainer container = Arc.container();
            if (container != null && !cls.getName().startsWith("java.")) {
                InstanceHandle<K> bean = container.instance(cls);
                if (bean.isAvailable()) {
                    return bean.get();
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
