package dev.canopy.invoke.lambda;

import dev.canopy.cost.Billing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an invocation's billing from the log tail Lambda returns with {@code LogType: Tail}
 * ({@code X-Amz-Log-Result}: the last 4 KB of the log, base64). The tail ends with the invocation's
 * report, which survives any truncation of the start:
 * <ul>
 *   <li>text logs: {@code REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size:
 *       1024 MB\tMax Memory Used: 80 MB\t}, then on a cold start {@code Init Duration: 250.12 ms\t}, or on a
 *       SnapStart restore {@code Restore Duration: 511.25 ms\tBilled Restore Duration: 303 ms\t}, and on a
 *       timeout or crash {@code Status: timeout} / {@code Status: error\tError Type: ...};</li>
 *   <li>JSON logs (a function's {@code LoggingConfig.LogFormat: JSON}): a {@code platform.report} record
 *       whose metrics carry {@code billedDurationMs} and {@code memorySizeMB}.</li>
 * </ul>
 * {@code Billed Duration} is the whole billed time in every case: it includes the billed part of a
 * SnapStart restore (306.34 ms + 303 ms restore is billed 610 ms) and, since 1 August 2025, the Init phase
 * of every on-demand function (custom runtimes and container images always included it). So it is taken
 * as is, and Init and Restore durations are never added to it.
 */
public final class ReportLine {
    private static final Pattern TEXT = Pattern.compile(
            "REPORT RequestId: \\S+.*?\\bBilled Duration: (\\d+) ms\\s+Memory Size: (\\d+) MB");
    private static final Pattern JSON_BILLED = Pattern.compile("\"billedDurationMs\"\\s*:\\s*(\\d+(?:\\.\\d+)?)");
    private static final Pattern JSON_MEMORY = Pattern.compile("\"memorySizeMB\"\\s*:\\s*(\\d+(?:\\.\\d+)?)");

    private ReportLine() {
    }

    /** The billing in a base64 log tail, or null when there is none or it holds no report. */
    public static Billing fromLogResult(String base64) {
        if (base64 == null || base64.isBlank()) {
            return null;
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        return parse(text);
    }

    /** The billing of the last report in a decoded log tail, or null when it holds none. */
    public static Billing parse(String log) {
        if (log == null) {
            return null;
        }
        Billing found = null;
        for (String line : log.split("\r?\n")) {
            Billing b = line.contains("REPORT RequestId:") ? text(line)
                    : line.contains("platform.report") ? json(line) : null;
            if (b != null) {
                found = b;
            }
        }
        return found;
    }

    private static Billing text(String line) {
        Matcher m = TEXT.matcher(line);
        if (!m.find()) {
            return null;
        }
        try {
            return new Billing(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), Billing.Source.LAMBDA_REPORT);
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }

    private static Billing json(String line) {
        Matcher billed = JSON_BILLED.matcher(line);
        Matcher memory = JSON_MEMORY.matcher(line);
        if (!billed.find() || !memory.find()) {
            return null;
        }
        // the Telemetry API's schema gives these as numbers that may carry a fraction: billed time rounds up
        double ms = Double.parseDouble(billed.group(1));
        double mb = Double.parseDouble(memory.group(1));
        if (ms > Long.MAX_VALUE / 2 || mb > Integer.MAX_VALUE) {
            return null;
        }
        return new Billing((long) Math.ceil(ms), (int) Math.round(mb), Billing.Source.LAMBDA_REPORT);
    }
}
