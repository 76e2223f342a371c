package io.polysync.task.ui;

import java.util.List;

/**
 * One page of a list as templates show it, with what the pager needs. {@code number} counts from 0.
 *
 * @param filter the search text the list was filtered by ("" for none), kept in the pager's links
 */
public record UiPage<T>(List<T> content, long totalElements, int number, int size, String filter) {

    public static final int SIZE = 50;

    public boolean hasPrevious() {
        return number > 0;
    }

    public boolean hasNext() {
        return (long) (number + 1) * size < totalElements;
    }

    public long totalPages() {
        return Math.max(1, (totalElements + size - 1) / size);
    }

    /** A page number from a query parameter: never negative. */
    public static int number(Integer requested) {
        return requested == null || requested < 0 ? 0 : requested;
    }
}
