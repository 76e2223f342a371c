package io.polysync.task.ui.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.config.TaskServiceProperties;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Pageable;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class RunFeedTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID TASK = UUID.randomUUID();

    private final MutableClock clock = new MutableClock(T0);
    private final Table table = new Table();

    @Test
    void sendsEachChangeOnceThoughCaughtUpLooksReachBack() {
        RunFeed feed = feed(500);
        Recorder page = new Recorder();
        feed.subscribe(change -> true, page);
        UUID run = UUID.randomUUID();

        table.write(run, RunState.QUEUED, T0.plusMillis(100));
        clock.advance(Duration.ofMillis(750));
        feed.look();
        clock.advance(Duration.ofMillis(750));
        feed.look();
        table.write(run, RunState.RUNNING, T0.plusMillis(1600));
        clock.advance(Duration.ofMillis(750));
        feed.look();
        feed.look();

        assertThat(page.states(run)).containsExactly(RunState.QUEUED, RunState.RUNNING);
    }

    @Test
    void aChangeCommittedLateWithAnEarlierStampStillArrives() {
        RunFeed feed = feed(500);
        Recorder page = new Recorder();
        feed.subscribe(change -> true, page);
        UUID fast = UUID.randomUUID();
        UUID slow = UUID.randomUUID();

        table.write(fast, RunState.SUCCEEDED, T0.plusSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        feed.look();
        // stamped before the look that just ran, committed after it (a long transaction, or a lagging replica)
        table.write(slow, RunState.FAILED, T0.plusMillis(500));
        clock.advance(Duration.ofSeconds(1));
        feed.look();

        assertThat(page.received).extracting(RunChange::runId).containsExactly(fast, slow);
    }

    @Test
    void readsABurstLargerThanAPageThroughWithoutRepeats() {
        RunFeed feed = feed(2);
        Recorder page = new Recorder();
        feed.subscribe(change -> true, page);
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            UUID run = UUID.randomUUID();
            runs.add(run);
            table.write(run, RunState.QUEUED, T0.plusMillis(10));
        }
        clock.advance(Duration.ofMillis(750));

        for (int look = 0; look < 6; look++) {
            feed.look();
        }

        assertThat(page.received).extracting(RunChange::runId).containsExactlyInAnyOrderElementsOf(runs);
    }

    @Test
    void eachListenerGetsOnlyWhatItsFilterAccepts() {
        RunFeed feed = feed(500);
        Recorder everything = new Recorder();
        Recorder oneTask = new Recorder();
        Recorder oneRun = new Recorder();
        UUID watched = UUID.randomUUID();
        UUID otherTaskRun = UUID.randomUUID();
        feed.subscribe(RunStreams.filter(null, null), everything);
        feed.subscribe(RunStreams.filter(TASK, null), oneTask);
        feed.subscribe(RunStreams.filter(null, watched), oneRun);

        table.write(watched, RunState.RUNNING, T0.plusMillis(10));
        table.write(otherTaskRun, UUID.randomUUID(), RunState.RUNNING, T0.plusMillis(20));
        clock.advance(Duration.ofSeconds(1));
        feed.look();

        assertThat(everything.received).extracting(RunChange::runId).containsExactly(watched, otherTaskRun);
        assertThat(oneTask.received).extracting(RunChange::runId).containsExactly(watched);
        assertThat(oneRun.received).extracting(RunChange::runId).containsExactly(watched);
    }

    @Test
    void asksNothingWhileNobodyListensAndOneQueryPerLookForAll() {
        RunFeed feed = feed(500);
        table.write(UUID.randomUUID(), RunState.QUEUED, T0);
        feed.look();
        feed.look();
        assertThat(table.queries).isZero();

        for (int i = 0; i < 50; i++) {
            feed.subscribe(change -> true, new Recorder());
        }
        clock.advance(Duration.ofSeconds(1));
        feed.look();
        clock.advance(Duration.ofSeconds(1));
        feed.look();

        assertThat(table.queries).isEqualTo(2);
    }

    @Test
    void dropsAListenerWhoseConnectionIsGoneAndKeepsTheOthers() {
        RunFeed feed = feed(500);
        Recorder open = new Recorder();
        Recorder closed = new Recorder();
        closed.broken = true;
        feed.subscribe(change -> true, closed);
        feed.subscribe(change -> true, open);
        UUID run = UUID.randomUUID();

        table.write(run, RunState.QUEUED, T0.plusMillis(10));
        clock.advance(Duration.ofSeconds(1));
        feed.look();

        assertThat(feed.subscribers()).isEqualTo(1);
        assertThat(open.states(run)).containsExactly(RunState.QUEUED);
    }

    @Test
    void aQuietStreamGetsHeartbeatsThatFindClosedConnections() {
        RunFeed feed = feed(500);
        Recorder open = new Recorder();
        Recorder closed = new Recorder();
        feed.subscribe(change -> true, open);
        RunFeed.Subscription cancelled = feed.subscribe(change -> true, new Recorder());
        feed.subscribe(change -> true, closed);
        cancelled.cancel();
        feed.look();
        closed.broken = true;

        clock.advance(Duration.ofSeconds(16));
        feed.look();

        assertThat(open.heartbeats).isEqualTo(1);
        assertThat(feed.subscribers()).isEqualTo(1);
    }

    private RunFeed feed(int maxChangesPerLook) {
        TaskServiceProperties properties = new TaskServiceProperties(20, 200, "api",
                new TaskServiceProperties.Security(null, Duration.ofSeconds(10), null),
                new TaskServiceProperties.Vault(null, null),
                new TaskServiceProperties.RunFeed(Duration.ofMillis(750), Duration.ofSeconds(3), maxChangesPerLook,
                        Duration.ofSeconds(15), Duration.ofMinutes(10)),
                new TaskServiceProperties.RunOnce(64, 2));
        return new RunFeed(table, clock, properties);
    }

    /** The read model as the feed queries it: every write stamps the row and bumps its version. */
    private static final class Table implements RunChanges {

        private static final Comparator<RunChange> ORDER =
                Comparator.comparing(RunChange::updatedAt).thenComparing(RunChange::runId);
        private final List<RunChange> rows = new ArrayList<>();
        int queries;

        void write(UUID runId, RunState state, Instant stamp) {
            write(runId, TASK, state, stamp);
        }

        void write(UUID runId, UUID taskId, RunState state, Instant stamp) {
            long version = rows.stream().filter(r -> r.runId().equals(runId)).mapToLong(RunChange::rowVersion)
                    .max().orElse(-1) + 1;
            rows.removeIf(r -> r.runId().equals(runId));
            rows.add(new RunChange(runId, taskId, "task", state, TriggerType.MANUAL, 1, stamp, null, null, stamp,
                    version));
        }

        @Override
        public List<RunChange> after(Instant since, Pageable page) {
            return select(r -> r.updatedAt().isAfter(since), page);
        }

        @Override
        public List<RunChange> afterKey(Instant at, UUID runId, Pageable page) {
            return select(r -> r.updatedAt().isAfter(at)
                    || (r.updatedAt().equals(at) && r.runId().compareTo(runId) > 0), page);
        }

        private List<RunChange> select(Predicate<RunChange> where, Pageable page) {
            queries++;
            return rows.stream().filter(where).sorted(ORDER).limit(page.getPageSize()).toList();
        }
    }

    private static final class Recorder implements RunFeed.Listener {

        final List<RunChange> received = new ArrayList<>();
        int heartbeats;
        boolean broken;

        @Override
        public void changed(RunChange change) throws IOException {
            if (broken) {
                throw new IOException("connection reset");
            }
            received.add(change);
        }

        @Override
        public void quiet() throws IOException {
            if (broken) {
                throw new IOException("connection reset");
            }
            heartbeats++;
        }

        List<RunState> states(UUID runId) {
            return received.stream().filter(c -> c.runId().equals(runId)).map(RunChange::state).toList();
        }
    }

    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
