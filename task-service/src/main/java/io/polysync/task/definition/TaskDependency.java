package io.polysync.task.definition;

import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.task.json.OutputMappingListConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.util.List;
import java.util.UUID;

/** An upstream task that must succeed first, with the outputs it hands to this task's inputs. */
@Entity
@Table(name = "task_dependency")
public class TaskDependency {

    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "task_id", nullable = false)
    private Task task;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "parent_task_id", nullable = false)
    private Task parent;

    @Column(nullable = false)
    private int ordinal;

    @Convert(converter = OutputMappingListConverter.class)
    @Column(nullable = false)
    private List<OutputMapping> mappings;

    protected TaskDependency() {
    }

    TaskDependency(UUID id, Task task, Task parent, int ordinal, List<OutputMapping> mappings) {
        this.id = id;
        this.task = task;
        this.parent = parent;
        this.ordinal = ordinal;
        this.mappings = List.copyOf(mappings);
    }

    Task task() {
        return task;
    }

    Task parent() {
        return parent;
    }

    List<OutputMapping> mappings() {
        return mappings;
    }

    void update(int ordinal, List<OutputMapping> mappings) {
        this.ordinal = ordinal;
        if (!this.mappings.equals(mappings)) {
            this.mappings = List.copyOf(mappings);
        }
    }

    DependencySnapshot snapshot() {
        return new DependencySnapshot(parent.id(), parent.name(), mappings);
    }
}
