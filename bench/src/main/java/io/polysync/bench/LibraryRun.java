package io.polysync.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of a comparison mode: one library, its scheduler and the submitters in one process, so its CPU is
 * read from /proc like a Polysync process's. It talks to {@link Comparison} over stdin and stdout: it prints
 * {@value #READY} once the library is started, submits and waits on {@value #GO}, writes the result file and prints
 * {@value #DONE}, and stops the library and exits on the next line or end of input.
 *
 * <p>Before {@value #READY} it warms itself up, unmeasured, as long as the Polysync deployments are warmed
 * ({@code --warmup}): bursts of {@code --warmup-burst} jobs submitted the same way, each waited for until the
 * library's tables hold them all completed, until that time has passed (at least one burst; none when the burst is
 * 0, which {@link Comparison} passes when either setting is 0), so both sides are measured after the compiler has
 * had the same time with their hot paths. A warm-up that does not finish ends the run: a warm-up job still running
 * would record its index as a measured job's.
 *
 * <p>Arguments: library, JDBC URL of its database, runs, worker threads, submitting threads, drain timeout in ms,
 * result file, warm-up burst, warm-up in ms.
 */
public final class LibraryRun {

    static final String READY = "LIBRARY-READY";
    static final String GO = "GO";
    static final String DONE = "LIBRARY-DONE";

    private LibraryRun() {
    }

    public static void main(String[] args) throws Exception {
        Library library = Library.of(args[0]);
        String jdbcUrl = args[1];
        int runs = Integer.parseInt(args[2]);
        int workers = Integer.parseInt(args[3]);
        int submitters = Integer.parseInt(args[4]);
        long drainMillis = Long.parseLong(args[5]);
        Path resultFile = Path.of(args[6]);
        int burst = Integer.parseInt(args[7]);
        long warmupMillis = Long.parseLong(args[8]);
        // one pairing of the two clocks, so every nanoTime below becomes an instant on the machine clock
        long baseEpochNanos = epochNanos(Instant.now());
        long baseNanos = System.nanoTime();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Library.Running running = library.start(jdbcUrl, workers, submitters)) {
            long warmUntil = System.nanoTime() + warmupMillis * 1_000_000L;
            if (burst > 0) {
                do {
                    Completions warm = Completions.expect(burst);
                    submitAll(running, burst, submitters, new AtomicInteger(), new AtomicReference<>());
                    // a warm-up job still running once the measured ones are submitted would record its index as
                    // theirs: measure nothing rather than that
                    if (!warm.await(drainMillis) || awaitStored(running, 30_000) != 0) {
                        throw new IllegalStateException("the warm-up burst of " + burst + " jobs did not finish");
                    }
                } while (System.nanoTime() < warmUntil);
            }
            Completions completions = Completions.expect(runs);
            System.out.println(READY);
            System.out.flush();
            if (!GO.equals(in.readLine())) {
                return;
            }
            AtomicInteger refused = new AtomicInteger();
            AtomicReference<String> firstRefusal = new AtomicReference<>();
            long submitStart = System.nanoTime();
            submitAll(running, runs, submitters, refused, firstRefusal);
            long submitEnd = System.nanoTime();
            completions.await(drainMillis);
            // the no-op has returned for every job; now until the library's own store holds each one as completed
            long pending = awaitStored(running, 30_000);
            long durableDone = pending == 0 ? System.nanoTime() : -1;
            List<String> lines = new ArrayList<>(List.of(
                    "submitted " + (runs - refused.get()),
                    "refused " + refused.get(),
                    "submit-start " + (baseEpochNanos + submitStart - baseNanos),
                    "submit-end " + (baseEpochNanos + submitEnd - baseNanos),
                    "durable-done " + (durableDone < 0 ? -1 : baseEpochNanos + durableDone - baseNanos),
                    "pending-left " + pending,
                    "first-refusal " + (firstRefusal.get() == null ? "" : firstRefusal.get().replace('\n', ' ')),
                    "completions"));
            for (long finished : completions.finishedNanos()) {
                if (finished != 0) {
                    lines.add(Long.toString(baseEpochNanos + finished - baseNanos));
                }
            }
            Files.write(resultFile, lines);
            System.out.println(DONE);
            System.out.flush();
            in.readLine();
        }
        System.exit(0);
    }

    /** Submits jobs 0 … {@code runs - 1} from {@code submitters} threads and waits for the submissions. */
    private static void submitAll(Library.Running running, int runs, int submitters, AtomicInteger refused,
                                  AtomicReference<String> firstRefusal) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < submitters; t++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
                    try {
                        running.submit(i);
                    } catch (Exception | LinkageError e) {
                        refused.incrementAndGet();
                        firstRefusal.compareAndSet(null, e.toString());
                    }
                }
            }, "submit-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Polls the library's tables until no job is pending there or the time is up; answers what was left. */
    private static long awaitStored(Library.Running running, long timeoutMillis) throws Exception {
        long pending = -1;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            pending = running.pending();
            if (pending == 0) {
                return 0;
            }
            Thread.sleep(50);
        }
        return pending;
    }

    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
