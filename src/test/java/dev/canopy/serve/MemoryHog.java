package dev.canopy.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link MemoryLimitTest}: takes and touches {@code args[0]} MB in 4 MB arrays, prints
 * "held", then waits at most a minute (so it never outlives a test that forgets it).
 */
public final class MemoryHog {
    private MemoryHog() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<byte[]> held = new ArrayList<>();
        int mb = Integer.parseInt(args[0]);
        for (int i = 0; i < mb / 4; i++) {
            byte[] b = new byte[4 << 20];
            for (int j = 0; j < b.length; j += 4096) {
                b[j] = 1; // a page the kernel has to back
            }
            held.add(b);
        }
        System.out.println("held " + held.size() * 4 + " MB");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
