package dev.canopy.invoke.lambda;

import dev.canopy.cost.Billing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The REPORT line of each kind Lambda writes. Fields are tab-separated and each is followed by a tab; the
 * figures below are from published logs (a warm call, a cold start, a SnapStart restore, a timeout).
 */
class ReportLineTest {
    static final String ID = "8c360c87-d4b7-4423-b5f3-af02be3c1763";

    static Billing billing(long ms, int mb) {
        return new Billing(ms, mb, Billing.Source.LAMBDA_REPORT);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void warmInvocation() {
        assertEquals(billing(3, 1152), ReportLine.parse("REPORT RequestId: " + ID
                + "\tDuration: 2.05 ms\tBilled Duration: 3 ms\tMemory Size: 1152 MB\tMax Memory Used: 76 MB\t\n"));
    }

    @Test
    void coldStartBillsTheBilledDurationAsIsWhichAlreadyHoldsTheInit() {
        // a custom runtime's cold start: 4.42 ms of handler + 333.05 ms of init billed as 338 ms
        assertEquals(billing(338, 1152), ReportLine.parse("REPORT RequestId: " + ID + "\tDuration: 4.42 ms\t"
                + "Billed Duration: 338 ms\tMemory Size: 1152 MB\tMax Memory Used: 75 MB\tInit Duration: 333.05 ms\t"));
    }

    @Test
    void snapStartRestoreBillsTheBilledDurationWhichHoldsTheBilledRestore() {
        // 2338.66 ms + 182 ms billed restore = 2520.66, billed 2521: "Billed Restore Duration" is not added again
        assertEquals(billing(2521, 3009), ReportLine.parse("REPORT RequestId: " + ID + "\tDuration: 2338.66 ms\t"
                + "Billed Duration: 2521 ms\tMemory Size: 3009 MB\tMax Memory Used: 173 MB\tRestore Duration: 398.97 ms\t"
                + "Billed Restore Duration: 182 ms\t"));
    }

    @Test
    void timeoutAndCrash() {
        assertEquals(billing(3000, 128), ReportLine.parse("REPORT RequestId: " + ID + "\tDuration: 3000.00 ms\t"
                + "Billed Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout"));
        assertEquals(billing(812, 512), ReportLine.parse("REPORT RequestId: " + ID + "\tDuration: 811.12 ms\t"
                + "Billed Duration: 812 ms\tMemory Size: 512 MB\tMax Memory Used: 512 MB\tStatus: error\tError Type: Runtime.ExitError"));
    }

    @Test
    void olderLinesWithASpaceBeforeTheTabAndSpacesOnly() {
        assertEquals(billing(100, 128), ReportLine.parse("REPORT RequestId: faff6a71-7ea0-11e8-ac94-1710ce2fc493\t"
                + "Duration: 1.79 ms\tBilled Duration: 100 ms \tMemory Size: 128 MB\tMax Memory Used: 46 MB\t\n"));
        assertEquals(billing(800, 128), ReportLine.parse("REPORT RequestId: a0537bcb-712d-11e4-8c97-af075a3c0929 "
                + "Duration: 718.65 ms Billed Duration: 800 ms Memory Size: 128 MB Max Memory Used: 14 MB"));
    }

    @Test
    void aWholeTailEndingWithTheReportAndJsonApplicationLogsBeforeIt() {
        String tail = "ns\":\"x\"}\n{\"level\":\"INFO\",\"message\":\"Duration: 5 ms (a log line, not a report)\"}\n"
                + "END RequestId: " + ID + "\n"
                + "REPORT RequestId: " + ID + "\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1769 MB\t"
                + "Max Memory Used: 80 MB\t\n";
        assertEquals(billing(13, 1769), ReportLine.fromLogResult(b64(tail)));
        // two invocations' logs in one tail (never from Lambda, but the last report is this call's)
        assertEquals(billing(13, 1769), ReportLine.parse("REPORT RequestId: a\tDuration: 1.0 ms\tBilled Duration: 2 ms\t"
                + "Memory Size: 128 MB\tMax Memory Used: 1 MB\t\n" + tail));
    }

    @Test
    void jsonLogFormatsPlatformReport() {
        String line = "{\"time\":\"2026-11-30T23:00:00.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\""
                + ID + "\",\"metrics\":{\"durationMs\":395.99,\"billedDurationMs\":661.71,\"memorySizeMB\":512,"
                + "\"maxMemoryUsedMB\":301,\"initDurationMs\":265.72},\"status\":\"success\"}}";
        assertEquals(billing(662, 512), ReportLine.parse(line), "a fractional billed time rounds up");
        assertEquals(billing(662, 512), ReportLine.fromLogResult(b64("{\"type\":\"platform.start\"}\n" + line + "\n")));
    }

    @Test
    void noTailGarbageOrNoReportGivesNoBilling() {
        assertNull(ReportLine.fromLogResult(null));
        assertNull(ReportLine.fromLogResult(""));
        assertNull(ReportLine.fromLogResult("%%% not base64 %%%"));
        assertNull(ReportLine.fromLogResult(b64("START RequestId: x Version: $LATEST\nhello\n")));
        assertNull(ReportLine.parse("REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: ms\tMemory Size: 128 MB"));
        assertNull(ReportLine.parse("REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 5 ms"), "no memory size");
        assertNull(ReportLine.parse("REPORT RequestId: x\tBilled Duration: 99999999999999999999 ms\tMemory Size: 128 MB"));
        assertNull(ReportLine.parse("{\"type\":\"platform.report\",\"record\":{\"metrics\":{\"durationMs\":1}}}"));
        assertNull(ReportLine.parse(null));
    }
}
