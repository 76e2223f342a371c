package io.polysync.task.ui.admin;

import io.polysync.task.ui.UiErrors;

/** Form inputs arrive as text; an empty input means "not given". */
final class FormValues {

    private FormValues() {
    }

    /** The trimmed text, or null when empty. */
    static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The whole number typed, or null when empty; anything else is reported at {@code field}. */
    static Integer integer(String value, String field, UiErrors errors) {
        String text = text(value);
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            errors.add(field, "must be a whole number");
            return null;
        }
    }
}
