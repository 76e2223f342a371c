package io.polysync.task.ui.run;

import io.polysync.model.Json;
import io.polysync.task.config.TaskServiceProperties;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@code /runs/stream}: server-sent events named {@code run}, one per change of a run the page shows (all runs, one
 * task's, or one run), with the change as JSON. The stream ends after {@code stream-timeout} and the browser's
 * EventSource reconnects; a closed page is noticed at the next write and unsubscribed.
 */
@Controller
public class RunStreams {

    private static final long RECONNECT_MILLIS = 2000;

    private final RunFeed feed;
    private final long timeoutMillis;

    public RunStreams(RunFeed feed, TaskServiceProperties properties) {
        this.feed = feed;
        this.timeoutMillis = properties.runFeed().streamTimeout().toMillis();
    }

    @GetMapping(path = "/runs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestParam(required = false) UUID taskId, @RequestParam(required = false) UUID runId)
            throws IOException {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        RunFeed.Subscription subscription = feed.subscribe(filter(taskId, runId), new RunFeed.Listener() {
            @Override
            public void changed(RunChange change) throws IOException {
                emitter.send(SseEmitter.event().name("run").id(change.runId() + "/" + change.rowVersion())
                        .data(Json.encode(change), MediaType.APPLICATION_JSON));
            }

            @Override
            public void quiet() throws IOException {
                emitter.send(SseEmitter.event().comment("still here"));
            }
        });
        emitter.onCompletion(subscription::cancel);
        emitter.onTimeout(() -> {
            subscription.cancel();
            emitter.complete();
        });
        emitter.onError(error -> subscription.cancel());
        // the first write commits the response, so the browser's EventSource opens now rather than at the first change
        emitter.send(SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("subscribed"));
        return emitter;
    }

    /**
     * A page closed while its stream was open: the container reports it on the request, and there is nothing left
     * to answer (the feed drops the listener at its next write).
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void disconnected() {
        // nothing to write to
    }

    static Predicate<RunChange> filter(UUID taskId, UUID runId) {
        Predicate<RunChange> filter = change -> true;
        if (taskId != null) {
            filter = filter.and(change -> taskId.equals(change.taskId()));
        }
        if (runId != null) {
            filter = filter.and(change -> runId.equals(change.runId()));
        }
        return filter;
    }
}
