package io.polysync.task.api;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.validation.Errors;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;

/** Turns the {@code page} and {@code size} request parameters into a page request, rejecting impossible ones. */
@Component
public class Paging {

    private final TaskServiceProperties properties;

    public Paging(TaskServiceProperties properties) {
        this.properties = properties;
    }

    /** Reports bad values to {@code errors}; the result is only meaningful when none were reported. */
    public PageRequest of(Integer page, Integer size, Sort sort, Errors errors) {
        int p = page == null ? 0 : page;
        int s = size == null ? properties.defaultPageSize() : size;
        if (p < 0) {
            errors.add("page", "must be 0 or more");
        }
        if (s < 1 || s > properties.maxPageSize()) {
            errors.add("size", "must be between 1 and " + properties.maxPageSize());
        }
        return PageRequest.of(Math.max(p, 0), Math.min(Math.max(s, 1), properties.maxPageSize()), sort);
    }
}
