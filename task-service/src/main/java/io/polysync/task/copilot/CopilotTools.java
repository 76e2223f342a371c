package io.polysync.task.copilot;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.polysync.model.Json;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.definition.Previews;
import io.polysync.task.definition.TaskService;
import io.polysync.task.definition.TaskView;
import io.polysync.task.run.RunAccepted;
import io.polysync.task.run.RunOnceService;
import io.polysync.task.run.RunQueries;
import io.polysync.task.run.RunView;
import io.polysync.task.security.Role;
import io.polysync.task.validation.InvalidRequestException;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The AI copilot's tools, served over MCP at {@code /mcp}. Each delegates to the service the REST API uses, so a
 * tool sees and changes exactly what the API would; the only writing tool is {@code run_task_once}. Answers are JSON
 * text; a refused call is a tool error (isError) whose text says what to fix. Task definitions show vault references,
 * never secret values, as the API does.
 */
@Component
public class CopilotTools {

    /** How far back {@code recent_failures} looks when no {@code since} is given. */
    static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofHours(24);
    static final int MAX_FAILURES = 50;

    private final RunOnceService runOnce;
    private final RunQueries runs;
    private final TaskService tasks;
    private final Clock clock;
    private final int maxPageSize;

    public CopilotTools(RunOnceService runOnce, RunQueries runs, TaskService tasks, Clock clock,
                        TaskServiceProperties properties) {
        this.runOnce = runOnce;
        this.runs = runs;
        this.tasks = tasks;
        this.clock = clock;
        this.maxPageSize = properties.maxPageSize();
    }

    @McpTool(name = "run_task_once", description = "Run a task once now (a MANUAL run, like Run Once in the UI). "
            + "Answers the new run's id; follow it with get_run. Needs the operator role.")
    public CallToolResult runTaskOnce(
            @McpToolParam(description = "The task's name, exactly as defined", required = true) String taskName) {
        return answer(() -> {
            Authentication caller = SecurityContextHolder.getContext().getAuthentication();
            if (caller == null || caller.getAuthorities().stream()
                    .noneMatch(a -> Role.OPERATOR.authority().equals(a.getAuthority()))) {
                throw new ToolError("run_task_once needs the operator role; this token"
                        + (caller == null ? "" : " ('" + caller.getName() + "')") + " has a smaller one");
            }
            String name = required("taskName", taskName);
            try {
                RunAccepted accepted = runOnce.runOnce(name, null,
                        "copilot:" + caller.getName());
                return Map.of("runId", accepted.runId(), "state", accepted.state());
            } catch (NotFoundException e) {
                throw unknownTask(name);
            }
        });
    }

    @McpTool(name = "get_run", description = "One run: state, attempt, times, outputs, error, waiting reason and "
            + "its status history.")
    public CallToolResult getRun(@McpToolParam(description = "The run's id (a UUID)", required = true) String runId) {
        return answer(() -> {
            UUID id = uuid("runId", runId);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("run", runs.get(id));
            run.put("history", runs.history(id));
            return run;
        });
    }

    @McpTool(name = "why_is_run_waiting", description = "Why a run is not running yet, in a sentence an operator "
            + "can act on (also says so when it is running or finished).")
    public CallToolResult whyIsRunWaiting(
            @McpToolParam(description = "The run's id (a UUID)", required = true) String runId) {
        return answer(() -> Map.of("explanation", WaitingExplanation.of(runs.get(uuid("runId", runId)))));
    }

    @McpTool(name = "list_tasks", description = "The tasks whose name contains the filter (all when empty), by name, "
            + "with their definitions.")
    public CallToolResult listTasks(
            @McpToolParam(description = "Part of the task name; empty for all", required = false) String filter) {
        return answer(() -> {
            Page<TaskView> page = tasks.list(filter == null ? "" : filter.trim(),
                    PageRequest.of(0, maxPageSize, Sort.by("name")));
            Map<String, Object> listed = new LinkedHashMap<>();
            listed.put("total", page.getTotalElements());
            listed.put("tasks", page.getContent());
            return listed;
        });
    }

    @McpTool(name = "get_task", description = "A task's full current definition; secrets appear as vault "
            + "references only.")
    public CallToolResult getTask(
            @McpToolParam(description = "The task's name, exactly as defined", required = true) String taskName) {
        return answer(() -> {
            String name = required("taskName", taskName);
            try {
                return tasks.get(name);
            } catch (NotFoundException e) {
                throw unknownTask(name);
            }
        });
    }

    @McpTool(name = "preview_schedule", description = "The next fire times of a task's schedules, from now, "
            + "ascending.")
    public CallToolResult previewSchedule(
            @McpToolParam(description = "The task's name, exactly as defined", required = true) String taskName,
            @McpToolParam(description = "How many fire times, 1-" + Previews.MAX_COUNT + " (default 10)",
                    required = false) Integer count) {
        return answer(() -> {
            String name = required("taskName", taskName);
            int n = Previews.count(count);
            try {
                return Previews.schedules(tasks.snapshot(name), n, clock.instant());
            } catch (NotFoundException e) {
                throw unknownTask(name);
            }
        });
    }

    @McpTool(name = "recent_failures", description = "The latest failed runs (at most " + MAX_FAILURES + "), "
            + "newest first, of one task or of all.")
    public CallToolResult recentFailures(
            @McpToolParam(description = "Only this task's runs; empty for all tasks", required = false)
            String taskName,
            @McpToolParam(description = "Only runs that finished at or after this ISO-8601 instant, e.g. "
                    + "2026-01-31T08:00:00Z (default: the last 24 hours)", required = false) String since) {
        return answer(() -> {
            Instant from = since == null || since.isBlank() ? clock.instant().minus(DEFAULT_FAILURE_WINDOW)
                    : instant("since", since);
            UUID taskId = null;
            if (taskName != null && !taskName.isBlank()) {
                try {
                    taskId = tasks.find(taskName.trim()).id();
                } catch (NotFoundException e) {
                    throw unknownTask(taskName.trim());
                }
            }
            List<RunView> failed = runs.failures(taskId, from, MAX_FAILURES);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("since", from);
            answer.put("failures", failed);
            return answer;
        });
    }

    /** The tool's answer as JSON text, or a tool error for input the API would refuse. */
    private static CallToolResult answer(Supplier<Object> tool) {
        try {
            return CallToolResult.builder().addTextContent(Json.encode(tool.get())).isError(false).build();
        } catch (ToolError e) {
            return error(e.getMessage());
        } catch (InvalidRequestException e) {
            return error(e.errors().stream().map(f -> f.field() + " " + f.message())
                    .collect(Collectors.joining("; ")));
        } catch (NotFoundException e) {
            return error(e.getMessage());
        }
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    private ToolError unknownTask(String name) {
        List<String> close = CloseNames.to(name, tasks.names());
        return new ToolError("no task named '" + name + "'" + (close.isEmpty()
                ? "; list_tasks shows the tasks there are"
                : "; did you mean " + close.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" or "))
                + "?"));
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ToolError(field + " is required");
        }
        return value.trim();
    }

    private static UUID uuid(String field, String value) {
        String text = required(field, value);
        try {
            UUID id = UUID.fromString(text);
            if (!id.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException(text);
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new ToolError(field + " must be a UUID such as 3f2b8c1e-7a4d-4c2e-9b1a-0d5e6f7a8b9c, not '" + text
                    + "'");
        }
    }

    private static Instant instant(String field, String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ToolError(field + " must be an ISO-8601 instant such as 2026-01-31T08:00:00Z, not '"
                    + value.trim() + "'");
        }
    }

    /** A refused call; its message is the tool error's text. */
    static final class ToolError extends RuntimeException {
        ToolError(String message) {
            super(message);
        }
    }
}
