package io.polysync.task.run;

import io.polysync.model.run.RunState;

import java.time.Instant;

/** One history entry as the API shows it; {@code state} only on TRANSITION entries. */
public record HistoryView(HistoryKind kind, RunState state, Instant at, String reason) {

    static HistoryView of(RunHistoryEntry e) {
        return new HistoryView(e.kind(), e.state(), e.at(), e.reason());
    }
}
