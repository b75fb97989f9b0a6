package dev.canopy.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.formatters.PatternFormatter;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Canopy's command line run in-process, in the application a {@code @QuarkusTest} booted: the command line
 * {@link CanopyMain} runs ({@link CanopyCommand#commandLine} with the same factory), its stdout and stderr
 * captured. Launching the main per case ({@code @QuarkusMainTest}) restarts Quarkus each time, about a second
 * of CPU a launch; here the classes that run commands share one boot per fork. {@code CanopyMainTest} keeps a
 * few real launches for the main's own wiring.
 *
 * <p>Log records logged while a command runs are captured too and written on its stderr, where a real run's
 * console handler writes them ({@code quarkus.log.console.stderr}), in the console's format
 * ({@code quarkus.log.console.format}, the MDC included): a test reads them as a user would see them.
 *
 * <p>The application's {@code @ApplicationScoped} services (stores, model caches) live on from one command to
 * the next, as they would not across launches: a test that counts what a command did takes it from that
 * command's answer, and cases keep their own run ids and output folders.
 */
public final class InProcessCli {

    /** What one command did: its exit code, its stdout, and its stderr with the log lines logged meanwhile. */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    private InProcessCli() {
    }

    /** Runs {@code canopy <args>} and waits for it. Nothing on this path exits the JVM but a stop signal (StopSignals). */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cli = CanopyCommand.commandLine(new CanopyMain.ArcFactory())
                .setOut(new PrintWriter(out, true))
                .setErr(errWriter);
        Logger root = Logger.getLogger("");
        Handler logs = new StderrLog(errWriter);
        root.addHandler(logs);
        int code;
        try {
            code = cli.execute(args);
        } finally {
            root.removeHandler(logs);
            cli.getOut().flush();
            cli.getErr().flush();
        }
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * Writes each record as the console would, on the command's stderr: the writer's lock keeps a log line
     * whole between the command's own lines, as a real run's shared stderr does.
     */
    private static final class StderrLog extends Handler {
        private final PrintWriter err;

        StderrLog(PrintWriter err) {
            this.err = err;
            setFormatter(new PatternFormatter(ConfigProvider.getConfig().getValue("quarkus.log.console.format", String.class)));
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                err.print(getFormatter().format(record));
                err.flush();
            }
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
        }
    }
}
