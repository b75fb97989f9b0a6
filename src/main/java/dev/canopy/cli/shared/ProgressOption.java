package dev.canopy.cli.shared;

import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** {@code --progress}, shared by the commands that show a {@link ProgressDisplay} (predict, train). */
public final class ProgressOption {
    @Option(names = "--progress", paramLabel = "auto|bar|lines|none",
            description = "Progress on stderr: a bar redrawn in place, plain lines, or none (default auto: a bar when "
                    + "stderr is a terminal, lines otherwise).")
    ProgressDisplay.Mode mode = ProgressDisplay.Mode.AUTO;

    public ProgressDisplay display(PrintWriter err) {
        return new ProgressDisplay(err, resolve(mode, ProgressOption::stderrIsTerminal), System::currentTimeMillis);
    }

    static ProgressDisplay.Mode resolve(ProgressDisplay.Mode mode, BooleanSupplier terminal) {
        if (mode != ProgressDisplay.Mode.AUTO) {
            return mode;
        }
        return terminal.getAsBoolean() ? ProgressDisplay.Mode.BAR : ProgressDisplay.Mode.LINES;
    }

    /**
     * Whether stderr is a terminal. Java cannot ask that of stderr itself: {@code Console.isTerminal()} (JDK 22+)
     * answers for stdin and stdout, which differ in {@code canopy predict --json > out.json} or {@code 2> log}.
     * On Linux, /proc names the device behind descriptor 2; elsewhere the console's answer has to do.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException noProc) {
            Console console = System.console();
            return console != null && console.isTerminal();
        }
    }
}
