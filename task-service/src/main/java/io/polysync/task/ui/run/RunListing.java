package io.polysync.task.ui.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.run.RunView;
import org.springframework.data.domain.Page;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.UUID;

/**
 * One page of a runs list with its filters, and the links that keep them.
 *
 * @param task   the task of a per-task list; null for the global one
 * @param taskId its id, which the live feed filters on
 */
public record RunListing(String task, UUID taskId, RunState state, TriggerType triggerType, Page<RunView> runs,
                         int size, int defaultSize) {

    public String path() {
        return task == null ? "/runs" : UriComponentsBuilder.fromPath("/tasks/{name}/runs").buildAndExpand(task)
                .encode().toUriString();
    }

    /** The link to page {@code page} (0-based) with the same filters. */
    public String url(int page) {
        UriComponentsBuilder url = UriComponentsBuilder.fromUriString(path());
        if (state != null) {
            url.queryParam("state", state.name());
        }
        if (triggerType != null) {
            url.queryParam("triggerType", triggerType.name());
        }
        if (page > 0) {
            url.queryParam("page", page);
        }
        if (size != defaultSize) {
            url.queryParam("size", size);
        }
        return url.toUriString();
    }

    /** The live feed of this list: every run, or the task's. */
    public String feed() {
        return taskId == null ? "/runs/stream" : "/runs/stream?taskId=" + taskId;
    }

    /**
     * When later pages exist, the queue time of this page's last run: a changed run queued before it belongs to a
     * later page. Null when any run may belong here.
     */
    public String oldest() {
        if (!runs.hasNext() || runs.getContent().isEmpty()) {
            return null;
        }
        return runs.getContent().get(runs.getContent().size() - 1).queuedAt().toString();
    }

    public boolean filtered() {
        return state != null || triggerType != null;
    }
}
