package io.polysync.task.run;

import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the read model of runs in step with {@code polysync.run-events}. Events arrive at least once and may be
 * replayed or overtaken: applying one twice leaves the model as it was, and an older one after a newer moves no state
 * back but adds its transition to the history, once, so the history lists every transition the ledger made.
 */
@Service
public class RunReadModel {

    private static final Logger log = LoggerFactory.getLogger(RunReadModel.class);

    private final RunRows rows;
    private final Clock clock;

    public RunReadModel(RunRows rows, Clock clock) {
        this.rows = rows;
        this.clock = clock;
    }

    /**
     * Applies {@code events} in order, as one unit of work: the runs they touch are read with one query, their
     * recorded transitions with another, and what changed is written with batched statements when it ends (each new
     * run inserted once, as the whole poll left it; each changed run updated once). Events of one run fold exactly as
     * they would one at a time, by {@link TaskRun}'s own rules, so a poll may hold a run's whole life, duplicates and
     * replays included.
     */
    @Transactional
    public void apply(List<? extends RunEvent> events) {
        Poll poll = new Poll(events);
        for (RunEvent event : events) {
            if (event instanceof RunStateChanged changed) {
                poll.on(changed);
            } else if (event instanceof RetryScheduled retry) {
                poll.on(retry);
            } else if (event instanceof RunWaiting waiting) {
                poll.on(waiting);
            }
        }
        poll.write();
    }

    /** What one poll's events read and changed; runs and history keyed by run id. */
    private final class Poll {

        private final Instant now = clock.instant();
        private final Map<UUID, TaskRun> byId = new HashMap<>();
        /** TRANSITION states recorded per run, in the database or by this poll. */
        private final Map<UUID, Set<RunState>> recorded = new HashMap<>();
        /** The newest WAITING entry's instant per run, in the database or by this poll. */
        private final Map<UUID, Instant> latestWaiting = new HashMap<>();
        private final List<RunHistoryEntry> entries = new ArrayList<>();
        /** Runs first seen in this poll: inserted once, with whatever the rest of the poll made of them. */
        private final Map<UUID, TaskRun> created = new LinkedHashMap<>();
        /** Stored runs this poll changed: updated once each. */
        private final Map<UUID, TaskRun> changed = new LinkedHashMap<>();

        Poll(List<? extends RunEvent> events) {
            Set<UUID> ids = new HashSet<>();
            boolean transitions = false;
            boolean waits = false;
            for (RunEvent event : events) {
                if (event instanceof RunStateChanged changed) {
                    ids.add(changed.runId());
                    if (changed.retryOf() != null) {
                        ids.add(changed.retryOf());
                    }
                    transitions = true;
                } else if (event instanceof RetryScheduled retry) {
                    ids.add(retry.runId());
                } else if (event instanceof RunWaiting waiting) {
                    ids.add(waiting.runId());
                    waits = true;
                }
            }
            if (ids.isEmpty()) {
                return;
            }
            rows.runs(ids).forEach(run -> byId.put(run.runId(), run));
            if (byId.isEmpty()) {
                return;
            }
            if (transitions) {
                recorded.putAll(rows.transitionsOf(byId.keySet()));
            }
            if (waits) {
                latestWaiting.putAll(rows.latestWaitingOf(byId.keySet()));
            }
        }

        /**
         * A new reason why a queued run waits: shown as its {@code waitingReason} and recorded once as a WAITING
         * entry. An event no newer than the run's latest WAITING entry is a replay (or overtaken) and changes
         * nothing; the database keeps microseconds, so the comparison does too.
         */
        void on(RunWaiting event) {
            TaskRun run = byId.get(event.runId());
            if (run == null) {
                log.warn("run {} waits, but this read model does not know it", event.runId());
                return;
            }
            Instant at = (event.occurredAt() != null ? event.occurredAt() : now).truncatedTo(ChronoUnit.MICROS);
            Instant latest = latestWaiting.get(run.runId());
            boolean stale = latest != null && !at.isAfter(latest);
            if (!stale && run.waitingFor(event.reason(), now)) {
                markChanged(run);
                entries.add(RunHistoryEntry.waiting(run.runId(), event.reason(), at));
                latestWaiting.put(run.runId(), at);
            }
        }

        void on(RunStateChanged event) {
            TaskRun run = byId.get(event.runId());
            if (run == null) {
                run = TaskRun.from(event, now);
                byId.put(run.runId(), run);
                created.put(run.runId(), run);
                recordOnce(event);
                if (event.retryOf() != null) {
                    TaskRun previous = byId.get(event.retryOf());
                    if (previous != null && previous.retriedBy(event.runId(), now)) {
                        markChanged(previous);
                    }
                }
            } else {
                if (run.learnParameters(event, now)) {
                    markChanged(run);
                }
                if (run.advance(event, now)) {
                    markChanged(run);
                } else {
                    log.debug("run {} is {}; its {} event moves nothing", run.runId(), run.state(), event.state());
                }
                // every RunStateChanged is a transition the ledger made: one that arrives after a later one (its
                // outbox row was left to a sweep when a commit's outcome was unknown) still belongs in the history
                recordOnce(event);
            }
        }

        void on(RetryScheduled event) {
            TaskRun run = byId.get(event.runId());
            if (run == null) {
                log.warn("retry scheduled for run {} which this read model does not know", event.runId());
                return;
            }
            run.retryScheduled(event.retryRunId(), event.dueAt(), now);
            markChanged(run);
        }

        private void markChanged(TaskRun run) {
            if (!created.containsKey(run.runId())) {
                changed.put(run.runId(), run);
            }
        }

        private void recordOnce(RunStateChanged event) {
            if (recorded.computeIfAbsent(event.runId(), id -> EnumSet.noneOf(RunState.class)).add(event.state())) {
                Instant at = event.occurredAt() != null ? event.occurredAt() : now;
                entries.add(RunHistoryEntry.transition(event.runId(), event.state(), at, event.reason()));
            }
        }

        /** The runs first (history rows reference them), then the history in the order it was made. */
        void write() {
            rows.insertAll(created.values());
            rows.updateAll(changed.values());
            rows.insertHistory(entries);
        }
    }
}
