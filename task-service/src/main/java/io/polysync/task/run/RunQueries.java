package io.polysync.task.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.validation.Errors;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Reads of the run read model. */
@Service
public class RunQueries {

    /** Newest first; the runId breaks ties so pages never overlap. */
    public static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("queuedAt"), Sort.Order.desc("runId"));

    /** A parsed list filter; an empty set means no restriction. */
    public record Filter(UUID taskId, Set<RunState> states, Set<TriggerType> triggerTypes) {
    }

    private final TaskRunRepository runs;
    private final RunHistoryRepository history;

    public RunQueries(TaskRunRepository runs, RunHistoryRepository history) {
        this.runs = runs;
        this.history = history;
    }

    @Transactional(readOnly = true)
    public RunView get(UUID runId) {
        return runs.findById(runId).map(RunView::of)
                .orElseThrow(() -> new NotFoundException("runId", "no run with id " + runId));
    }

    @Transactional(readOnly = true)
    public List<HistoryView> history(UUID runId) {
        if (!runs.existsById(runId)) {
            throw new NotFoundException("runId", "no run with id " + runId);
        }
        return history.findByRunIdOrderByAtAscIdAsc(runId).stream().map(HistoryView::of).toList();
    }

    @Transactional(readOnly = true)
    public Page<RunView> list(Filter filter, Pageable pageable) {
        List<Specification<TaskRun>> where = new ArrayList<>();
        if (filter.taskId() != null) {
            where.add((root, query, cb) -> cb.equal(root.get("taskId"), filter.taskId()));
        }
        if (!filter.states().isEmpty()) {
            where.add((root, query, cb) -> root.get("state").in(filter.states()));
        }
        if (!filter.triggerTypes().isEmpty()) {
            where.add((root, query, cb) -> root.get("triggerType").in(filter.triggerTypes()));
        }
        return runs.findAll(Specification.allOf(where), pageable).map(RunView::of);
    }

    /** The latest FAILED runs, of one task or of all ({@code taskId} null), finished at or after {@code since}. */
    @Transactional(readOnly = true)
    public List<RunView> failures(UUID taskId, Instant since, int limit) {
        List<Specification<TaskRun>> where = new ArrayList<>();
        where.add((root, query, cb) -> cb.equal(root.get("state"), RunState.FAILED));
        where.add((root, query, cb) -> cb.greaterThanOrEqualTo(root.get("finishedAt"), since));
        if (taskId != null) {
            where.add((root, query, cb) -> cb.equal(root.get("taskId"), taskId));
        }
        Sort latestFirst = Sort.by(Sort.Order.desc("finishedAt"), Sort.Order.desc("runId"));
        return runs.findAll(Specification.allOf(where), PageRequest.of(0, limit, latestFirst)).map(RunView::of)
                .getContent();
    }

    /** Parses a comma-separated, case-insensitive list of enum names; reports unknown ones under {@code field}. */
    static <E extends Enum<E>> Set<E> parse(Class<E> type, String value, String field, Errors errors) {
        Set<E> result = EnumSet.noneOf(type);
        if (value == null || value.isBlank()) {
            return result;
        }
        for (String part : value.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                result.add(Enum.valueOf(type, name));
            } catch (IllegalArgumentException e) {
                errors.add(field, "must be one or more of " + Arrays.toString(type.getEnumConstants())
                        + ", separated by commas");
                return result;
            }
        }
        return result;
    }
}
