package io.polysync.dispatcher.ledger;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.UUID;

/** The status history of every run, oldest entry first. */
public interface StatusHistory extends JpaRepository<HistoryEntry, Long> {

    List<HistoryEntry> findByRunIdOrderByIdAsc(UUID runId);
}
