package io.polysync.task.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.api.PageResponse;
import io.polysync.task.api.Paging;
import io.polysync.task.definition.TaskService;
import io.polysync.task.validation.Errors;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.UUID;

/** Run Once, Cancel and the run read model. */
@RestController
@RequestMapping("/api/v1")
public class RunController {

    private final RunOnceService runOnce;
    private final RunCancellation cancellation;
    private final RunQueries queries;
    private final TaskService tasks;
    private final Paging paging;

    public RunController(RunOnceService runOnce, RunCancellation cancellation, RunQueries queries, TaskService tasks,
                         Paging paging) {
        this.runOnce = runOnce;
        this.cancellation = cancellation;
        this.queries = queries;
        this.tasks = tasks;
        this.paging = paging;
    }

    @PostMapping("/tasks/{name}/runs")
    ResponseEntity<RunAccepted> runOnce(@PathVariable String name,
                                        @RequestBody(required = false) RunOnceRequest request) {
        RunAccepted accepted = runOnce.runOnce(name, request);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/runs/" + accepted.runId()))
                .body(accepted);
    }

    @GetMapping("/tasks/{name}/runs")
    PageResponse<RunView> taskRuns(@PathVariable String name,
                                   @RequestParam(required = false) String state,
                                   @RequestParam(required = false) String triggerType,
                                   @RequestParam(required = false) Integer page,
                                   @RequestParam(required = false) Integer size) {
        UUID taskId = tasks.find(name).id();
        return list(taskId, state, triggerType, page, size);
    }

    @GetMapping("/runs")
    PageResponse<RunView> runs(@RequestParam(required = false) String state,
                               @RequestParam(required = false) String triggerType,
                               @RequestParam(required = false) Integer page,
                               @RequestParam(required = false) Integer size) {
        return list(null, state, triggerType, page, size);
    }

    @GetMapping("/runs/{runId}")
    RunView run(@PathVariable UUID runId) {
        return queries.get(runId);
    }

    /** 202 with the run's current state: the dispatcher carries the cancel out (rule 7). */
    @PostMapping("/runs/{runId}/cancel")
    ResponseEntity<RunAccepted> cancel(@PathVariable UUID runId, Principal caller) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(cancellation.cancel(runId, caller.getName()));
    }

    @GetMapping("/runs/{runId}/history")
    List<HistoryView> history(@PathVariable UUID runId) {
        return queries.history(runId);
    }

    private PageResponse<RunView> list(UUID taskId, String state, String triggerType, Integer page, Integer size) {
        Errors errors = new Errors();
        RunQueries.Filter filter = new RunQueries.Filter(taskId,
                RunQueries.parse(RunState.class, state, "state", errors),
                RunQueries.parse(TriggerType.class, triggerType, "triggerType", errors));
        PageRequest pageable = paging.of(page, size, RunQueries.NEWEST_FIRST, errors);
        errors.throwIfAny();
        return PageResponse.of(queries.list(filter, pageable), v -> v);
    }
}
