package io.polysync.model.task;

/** Copies the parent run's output {@code output} into this task's input {@code input}. */
public record OutputMapping(String output, String input) {
}
