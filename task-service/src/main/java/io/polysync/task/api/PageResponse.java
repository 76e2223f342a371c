package io.polysync.task.api;

import org.springframework.data.domain.Page;

import java.util.List;
import java.util.function.Function;

/** The one shape of every list the API answers: {@code {content, totalElements, page, size}}. */
public record PageResponse<T>(List<T> content, long totalElements, int page, int size) {

    public static <E, T> PageResponse<T> of(Page<E> page, Function<E, T> view) {
        return new PageResponse<>(page.getContent().stream().map(view).toList(), page.getTotalElements(),
                page.getNumber(), page.getSize());
    }
}
