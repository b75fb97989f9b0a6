package dev.canopy.serve;

import dev.canopy.cost.Billing;
import dev.canopy.invoke.lambda.ReportLine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve's REPORT line reads as Lambda's: same fields, same tabs, and a billed time that holds the Init phase. */
class ServeReportLineTest {
    static final String ID = "0e5c8424-9e3c-4bd5-9d6c-2f4f0d4f1a11";

    @Test
    void warmLineHasLambdasFieldsAndBillsTheDurationRoundedUp() {
        String line = InvokeApi.reportLine(ID, 12.341, null, 1769, 80, InstanceInvocation.Kind.RESPONSE);
        assertEquals("REPORT RequestId: " + ID + "\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1769 MB\t"
                + "Max Memory Used: 80 MB\t", line);
        assertEquals(new Billing(13, 1769, Billing.Source.LAMBDA_REPORT), ReportLine.parse(line));
    }

    @Test
    void coldStartBillsTheInitTooAsLambdaDoesSinceAugust2025() {
        String line = InvokeApi.reportLine(ID, 4.42, 333.05, 512, 75, InstanceInvocation.Kind.RESPONSE);
        assertEquals("REPORT RequestId: " + ID + "\tDuration: 4.42 ms\tBilled Duration: 338 ms\tMemory Size: 512 MB\t"
                + "Max Memory Used: 75 MB\tInit Duration: 333.05 ms\t", line);
        assertEquals(338, ReportLine.parse(line).billedMillis());
    }

    @Test
    void timeoutAndCrashLinesEndWithTheirStatus() {
        String timeout = InvokeApi.reportLine(ID, 3000, null, 128, 40, InstanceInvocation.Kind.TIMEOUT);
        assertTrue(timeout.endsWith("Billed Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout"), timeout);
        assertEquals(3000, ReportLine.parse(timeout).billedMillis());
        String crash = InvokeApi.reportLine(ID, 10.5, null, 128, 40, InstanceInvocation.Kind.EXIT);
        assertTrue(crash.endsWith("\tStatus: error\tError Type: Runtime.ExitError"), crash);
        assertEquals(11, ReportLine.parse(crash).billedMillis());
        String oom = InvokeApi.reportLine(ID, 900, null, 128, 128, InstanceInvocation.Kind.OUT_OF_MEMORY);
        assertTrue(oom.endsWith("\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory"), oom);
    }
}
