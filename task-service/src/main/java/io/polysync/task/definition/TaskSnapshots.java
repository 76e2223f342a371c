package io.polysync.task.definition;

import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.task.profile.ContentionProfile;
import io.polysync.task.profile.ContentionProfileRepository;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a task's snapshot with the limits of its linked contention profiles as currently saved, so the dispatcher
 * learns a profile's limits from the definitions it already consumes. Call it inside the caller's transaction:
 * a profile changed earlier in that transaction is seen with its new limits.
 */
@Component
public class TaskSnapshots {

    private final ContentionProfileRepository profiles;

    public TaskSnapshots(ContentionProfileRepository profiles) {
        this.profiles = profiles;
    }

    public TaskSnapshot of(Task task) {
        List<String> names = task.contentionProfileNames();
        if (names.isEmpty()) {
            return task.snapshot(List.of());
        }
        Map<String, ContentionProfile> byName = profiles.findByNameIn(names).stream()
                .collect(Collectors.toMap(ContentionProfile::name, Function.identity()));
        // Validation refuses unknown names and deleting a linked profile; a name lost to a race is left out.
        return task.snapshot(names.stream().map(byName::get).filter(Objects::nonNull)
                .map(ContentionProfile::snapshot).toList());
    }
}
