package dev.canopy.cli.shared;

import dev.canopy.cli.CanopyCommand;
import dev.canopy.cli.shared.ProgressDisplay.Mode;
import dev.canopy.cli.shared.ProgressDisplay.Snapshot;
import dev.canopy.training.RunStatus;
import dev.canopy.training.SearchStatus;
import dev.canopy.training.TrainerState;
import dev.canopy.training.TrainerStatus;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line's text, its bar and line modes, and --progress, with fixed snapshots and a fake clock. */
class ProgressDisplayTest {
    /** 37 of 120 shards after 18.5 s: 1,502,829 rows is 81,234 rows/s, and 83 more shards at that pace 41.5 s. */
    static final Snapshot MID = new Snapshot("shards", 37, 120, 1, 1_502_829, -1, 18_500, false);
    static final String MID_TEXT = "shards 37/120 · 81,234 rows/s · 1 failed · ~0:42 left";

    private final StringWriter out = new StringWriter();
    private final AtomicLong now = new AtomicLong();

    private ProgressDisplay display(Mode mode) {
        return new ProgressDisplay(new PrintWriter(out), mode, now::get);
    }

    @Test
    void textShowsDoneOfTotalRateFailuresAndTimeLeft() {
        assertEquals(MID_TEXT, ProgressDisplay.text(MID));
        // nothing done yet: no pace, so no time left; no time elapsed: no rate
        assertEquals("shards 0/12 · 0 rows/s · 0 failed · – left",
                ProgressDisplay.text(new Snapshot("shards", 0, 12, 0, 0, -1, 800, false)));
        assertEquals("shards 0/– · – rows/s · 0 failed · – left",
                ProgressDisplay.text(new Snapshot("shards", 0, -1, 0, 0, -1, 0, false)));
        // finished: the time it took instead of the time left
        assertEquals("shards 120/120 · 1,000 rows/s · 2 failed · done in 1:02:03",
                ProgressDisplay.text(new Snapshot("shards", 120, 120, 2, 3_723_000, -1, 3_723_000, true)));
        // training: no rows; the trainers' own progress (40%) gives the pace: 8 s for 40% leaves 12 s
        assertEquals("trainers 1/3 · 0 failed · ~0:12 left",
                ProgressDisplay.text(new Snapshot("trainers", 1, 3, 0, -1, 0.4, 8_000, false)));
        // all done but not finished (the manifest is being written): nothing left
        assertEquals("shards 4/4 · 10 rows/s · 0 failed · ~0:00 left",
                ProgressDisplay.text(new Snapshot("shards", 4, 4, 0, 20, -1, 2_000, false)));
    }

    @Test
    void clockRoundsToTheSecondAndShowsHoursOnlyWhenThereAreSome() {
        assertEquals("0:00", ProgressDisplay.clock(0));
        assertEquals("0:59", ProgressDisplay.clock(59_499));
        assertEquals("1:00", ProgressDisplay.clock(59_500));
        assertEquals("59:59", ProgressDisplay.clock(3_599_000));
        assertEquals("1:02:03", ProgressDisplay.clock(3_723_000));
    }

    @Test
    void barIsRedrawnInPlaceAndOtherLinesGoAboveIt() {
        ProgressDisplay d = display(Mode.BAR);
        d.update(null);
        assertEquals("", out.toString(), "nothing known, nothing drawn");
        d.update(MID);
        String bar = "[██████░░░░░░░░░░░░░░] " + MID_TEXT; // 37/120 of 20 cells: 6
        // drawn from the line's start, cleared to its end, and the cursor back at its start (where a log line
        // written meanwhile overwrites the bar instead of running on after it)
        String drawn = "\r" + bar + "\033[K\r";
        assertEquals(drawn, out.toString());
        d.println("  random_forest      DONE         150/150 trees");
        assertEquals(drawn + "\r\033[K" + "  random_forest      DONE         150/150 trees" + System.lineSeparator() + drawn,
                out.toString());
        out.getBuffer().setLength(0);
        Snapshot end = new Snapshot("shards", 120, 120, 1, 4_000_000, -1, 40_000, true);
        d.finish(end);
        assertEquals("\r[████████████████████] shards 120/120 · 100,000 rows/s · 1 failed · done in 0:40\033[K\r"
                + System.lineSeparator(), out.toString());
        out.getBuffer().setLength(0);
        d.stop();
        d.println("after");
        assertEquals("after" + System.lineSeparator(), out.toString(), "a finished bar is not cleared or redrawn");
    }

    @Test
    void stopEndsABarLeftDrawnWhenTheWorkFailed() {
        ProgressDisplay d = display(Mode.BAR);
        d.update(MID);
        d.stop();
        assertTrue(out.toString().endsWith("\033[K\r" + System.lineSeparator()), out.toString());
    }

    @Test
    void linesComeOnEachChangeOfDoneOrEveryTenSecondsAndAlwaysAtTheEnd() {
        ProgressDisplay d = display(Mode.LINES);
        Snapshot first = new Snapshot("shards", 0, 4, 0, 0, -1, 500, false);
        d.update(first);
        now.set(9_999);
        d.update(new Snapshot("shards", 0, 4, 0, 0, -1, 10_499, false));   // no change, too soon: nothing
        now.set(10_000);
        d.update(new Snapshot("shards", 0, 4, 0, 0, -1, 10_500, false));   // no change, but 10 s since the last line
        now.set(10_400);
        d.update(new Snapshot("shards", 1, 4, 1, 0, -1, 10_900, false));   // a shard done: at once
        d.update(new Snapshot("shards", 1, 4, 1, 0, -1, 10_900, false));   // same again: nothing
        d.finish(new Snapshot("shards", 4, 4, 1, 3_000, -1, 12_000, true));
        String n = System.lineSeparator();
        assertEquals("shards 0/4 · 0 rows/s · 0 failed · – left" + n
                + "shards 0/4 · 0 rows/s · 0 failed · – left" + n
                + "shards 1/4 · 0 rows/s · 1 failed · ~0:33 left" + n
                + "shards 4/4 · 250 rows/s · 1 failed · done in 0:12" + n, out.toString());
        assertTrue(!out.toString().contains("\r"), "no carriage returns in a log");
    }

    @Test
    void noneShowsNothing() {
        ProgressDisplay d = display(Mode.NONE);
        d.update(MID);
        d.println("  decision_tree DONE");
        d.finish(MID);
        d.stop();
        assertEquals("", out.toString());
    }

    @Test
    void autoIsABarOnATerminalAndLinesOtherwise() {
        assertEquals(Mode.BAR, ProgressOption.resolve(Mode.AUTO, () -> true));
        assertEquals(Mode.LINES, ProgressOption.resolve(Mode.AUTO, () -> false));
        assertEquals(Mode.LINES, ProgressOption.resolve(Mode.LINES, () -> true));
        assertEquals(Mode.NONE, ProgressOption.resolve(Mode.NONE, () -> true));
        assertThrows(IllegalArgumentException.class, () -> display(Mode.AUTO));
    }

    @Test
    void anUnknownProgressModeIsAUsageErrorNamingTheOptionAndTheValue() {
        for (String command : List.of("predict", "train")) {
            StringWriter err = new StringWriter();
            CommandLine cl = CanopyCommand.commandLine(CommandLine.defaultFactory());
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            String[] args = command.equals("predict")
                    ? new String[]{"predict", "--model", "rule:passenger_count>=2", "--shards", "x", "--progress=wat"}
                    : new String[]{"train", "--data", "x.csv", "--progress", "wat"};
            assertEquals(ExitCodes.USAGE, cl.execute(args), err.toString());
            String first = err.toString().lines().findFirst().orElse("");
            assertTrue(first.startsWith("canopy: Invalid value for option '--progress'") && first.contains("'wat'"), first);
        }
    }

    @Test
    void pollsWhileTheCallRunsAndRethrowsItsFailure() {
        CountDownLatch polled = new CountDownLatch(1);
        AtomicInteger polls = new AtomicInteger();
        String r = ProgressDisplay.whilePolling(() -> {
            try {
                polled.await(); // returns only once the caller has polled at least once
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "answer";
        }, Duration.ofMillis(5), () -> {
            polls.incrementAndGet();
            polled.countDown();
        });
        assertEquals("answer", r);
        assertTrue(polls.get() >= 1);
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        assertSame(boom, assertThrows(IllegalArgumentException.class,
                () -> ProgressDisplay.whilePolling(() -> {
                    throw boom;
                }, Duration.ofMillis(5), () -> { })));
    }

    @Test
    void trainingProgressCountsTrainersOrASearchsTrials() {
        RunStatus run = new RunStatus("r", List.of(
                new TrainerStatus("decision_tree", TrainerState.DONE, 1, "done", null, null),
                new TrainerStatus("random_forest", TrainerState.TRAINING, 0.5, "75/150 trees", null, null),
                new TrainerStatus("gradient_boosting", TrainerState.FAILED, 0.2, "failed", null, "boom")));
        Snapshot s = Supervision.snapshot(run, 6_000);
        assertEquals(new Snapshot("trainers", 2, 3, 1, -1, 2.5 / 3, 6_000, false), s);
        assertEquals("trainers 2/3 · 1 failed · ~0:01 left", ProgressDisplay.text(s));
        RunStatus search = new RunStatus("r", List.of(), new SearchStatus("SEARCHING", 40, 10, 2, null, null));
        assertEquals("trials 10/40 · 2 failed · ~0:30 left", ProgressDisplay.text(Supervision.snapshot(search, 10_000)));
        assertNull(Supervision.snapshot(new RunStatus("r", List.of()), 1_000), "nothing published yet");
    }
}
