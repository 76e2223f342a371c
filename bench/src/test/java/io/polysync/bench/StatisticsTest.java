package io.polysync.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {

    @Test
    void latencyPercentilesComeFromTheRecordedMilliseconds() {
        Latency latency = new Latency();
        IntStream.rangeClosed(1, 100).forEach(ms -> latency.record(Duration.ofMillis(ms)));

        assertThat(latency.percentileMillis(50)).isCloseTo(50, within(0.1));
        assertThat(latency.percentileMillis(99)).isCloseTo(99, within(0.1));
        assertThat(latency.maxMillis()).isCloseTo(100, within(0.1));
        assertThat(latency.count()).isEqualTo(100);
    }

    @Test
    void unfinishedSamplesCountAtTheirLowerBoundAndAreSaidToBe() {
        Latency latency = new Latency();
        latency.record(Duration.ofMillis(10));
        latency.recordAtLeast(Duration.ofSeconds(90));

        assertThat(latency.maxMillis()).isCloseTo(90_000, within(90.0));
        assertThat(latency.lowerBounds()).isEqualTo(1);
        assertThat(latency.summary()).contains("1 not sent or not there in time, counted at their lower bound");
    }

    @Test
    void aNegativeLatencyIsClampedAndCounted() {
        Latency latency = new Latency();
        Instant now = Instant.now();
        latency.record(now, now.minusMillis(1));

        assertThat(latency.maxMillis()).isZero();
        assertThat(latency.negatives()).isEqualTo(1);
    }

    @Test
    void anEmptyDistributionHasNoPercentiles() {
        assertThat(new Latency().percentileMillis(50)).isNaN();
        assertThat(new Latency().summary()).isEqualTo("no samples");
    }

    @Test
    void completionRatesCountIntervalsBetweenCompletions() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        // 101 completions, one every 10 ms: 100 per second throughout
        List<Instant> even = IntStream.rangeClosed(0, 100).mapToObj(i -> t0.plusMillis(10L * i)).toList();

        assertThat(Rates.firstToLast(even)).isCloseTo(100, within(0.001));
        assertThat(Rates.steadyMiddle(even)).isCloseTo(100, within(0.001));
    }

    @Test
    void theSustainedRateLeavesASlowStartAndTailOut() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        // the first and last tenth trickle in one per second, the middle runs at 100 per second
        List<Instant> times = new java.util.ArrayList<>();
        Instant t = t0;
        for (int i = 0; i < 100; i++) {
            t = t.plusMillis(i < 10 || i >= 90 ? 1000 : 10);
            times.add(t);
        }

        assertThat(Rates.steadyMiddle(times)).isCloseTo(100, within(0.01));
        assertThat(Rates.firstToLast(times)).isLessThan(10);
    }

    @Test
    void tooFewCompletionsHaveNoRate() {
        assertThat(Rates.firstToLast(List.of(Instant.now()))).isNaN();
        assertThat(Rates.steadyMiddle(List.of(Instant.now(), Instant.now()))).isNaN();
    }

    @Test
    void targetsSayWhetherTheyAreMetAndByHowMuchTheyAreMissed() {
        assertThat(Target.atMost(1000, "ms").verdict(900)).isEqualTo("met");
        assertThat(Target.atMost(1000, "ms").verdict(1500)).isEqualTo("MISSED by 500 ms (50 %)");
        assertThat(Target.atLeast(500, "runs/s").verdict(55)).isEqualTo("MISSED by 445 runs/s (89 %)");
        assertThat(Target.atMost(0, "fires").verdict(3)).isEqualTo("MISSED by 3 fires");
        assertThat(Target.atMost(0, "fires").verdict(Double.NaN)).isEqualTo("not measured");
    }

    @Test
    void numbersKeepThreeSignificantFigures() {
        assertThat(Report.number(1234.56)).isEqualTo("1235");
        assertThat(Report.number(12.345)).isEqualTo("12.3");
        assertThat(Report.number(1.2345)).isEqualTo("1.23");
        assertThat(Report.number(0.012345)).isEqualTo("0.0123");
        assertThat(Report.number(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void cpuTimeIsReadPastACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1000 0 0";

        assertThat(ProcessCost.cpuSecondsOf(stat)).isCloseTo(300 / ProcessCost.TICKS_PER_SECOND, within(1e-9));
    }

    @Test
    void aServersCpuTimeIncludesTheBackendsItReaped() {
        // utime 250, stime 50, cutime 700, cstime 300: a postmaster whose ended backends used 1,000 ticks
        String stat = "4242 (postgres) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 700 300 20 0 30 0 1000 0 0";

        assertThat(ProcessCost.cpuSecondsWithReapedChildrenOf(stat))
                .isCloseTo(1_300 / ProcessCost.TICKS_PER_SECOND, within(1e-9));
    }

    @Test
    void threadsAreGroupedByWhatTheyWorkFor() {
        assertThat(ThreadGroups.of("C2 CompilerThre")).isEqualTo("JIT compiler");
        assertThat(ThreadGroups.of("data-plane-kafk")).isEqualTo("Kafka broker");
        assertThat(ThreadGroups.of("kafka-0-raft-io")).isEqualTo("Kafka broker");
        assertThat(ThreadGroups.of("polysync-slot-3")).isEqualTo("worker slots (polling, reports)");
        assertThat(ThreadGroups.of("main")).isEqualTo("other");
    }

    @Test
    void aScenariosCpuIsSplitByThreadGroupLargestFirst() {
        Map<String, Double> before = Map.of("JIT compiler", 10.0, "Kafka broker", 5.0, "other", 1.0);
        Map<String, Double> after = Map.of("JIT compiler", 12.0, "Kafka broker", 11.0, "other", 1.1,
                "HTTP (Tomcat)", 1.5);

        // 0.1 of 10 CPU s is 1 %: left out
        assertThat(Cost.byThreadGroup(before, after, 10.0))
                .isEqualTo("Kafka broker 60 %, JIT compiler 20 %, HTTP (Tomcat) 15 %");
    }

    @Test
    void peakRssIsReadFromTheStatusFile() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";

        assertThat(ProcessCost.statusKiB(status, "VmHWM:")).isEqualTo(204800);
    }

    @Test
    void heapIsTheSumOfTheHeapPoolsEachCountedOnce() {
        String scrape = String.join("\n",
                "# TYPE jvm_memory_used_bytes gauge",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1048576.0",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2097152.0",
                "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9.9E7",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1048576.0");

        assertThat(ScaleScenario.heapBytes(scrape)).isEqualTo(3 * 1048576.0);
    }

    @Test
    void theQuickPresetShrinksTheSizesAndArgumentsOverrideIt() {
        Options quick = Options.parse("--quick", "--mode=standalone", "--scale-tasks=50");

        assertThat(quick.quick()).isTrue();
        assertThat(quick.modes()).containsExactly("standalone");
        assertThat(quick.throughputRuns()).isEqualTo(1000);
        assertThat(quick.scaleTasks()).isEqualTo(50);
        assertThat(Options.parse().modes()).containsExactly("standalone", "distributed");
        assertThat(Options.parse().throughputRuns()).isEqualTo(20000);
    }

    @Test
    void modesAreACommaListWhereBothMeansStandaloneAndDistributed() {
        assertThat(Options.parse("--mode=standalone,db-scheduler,quartz,jobrunr").modes())
                .containsExactly("standalone", "db-scheduler", "quartz", "jobrunr");
        assertThat(Options.parse("--mode=jobrunr,both,standalone").modes())
                .containsExactly("jobrunr", "standalone", "distributed");
        assertThatThrownBy(() -> Options.parse("--mode=standalone,hangfire"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hangfire");
    }

    @Test
    void aNoopRunTwiceKeepsItsFirstFinishAndCountsOnce() throws InterruptedException {
        Completions completions = Completions.expect(2);
        Completions.record(1);
        long first = completions.finishedNanos()[1];
        Completions.record(1);

        assertThat(completions.finishedNanos()).containsExactly(0, first);
        assertThat(completions.await(0)).isFalse();
        Completions.record(0);
        assertThat(completions.await(0)).isTrue();
    }

    @Test
    void theBenchDatabaseSitsBesideTheGivenOne() {
        assertThat(new Database("jdbc:postgresql://127.0.0.1:5432/test", "polysync_bench").benchUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/polysync_bench");
        assertThat(new Database("jdbc:postgresql://h/test?ssl=false", "b").benchUrl())
                .isEqualTo("jdbc:postgresql://h/b?ssl=false");
    }
}
