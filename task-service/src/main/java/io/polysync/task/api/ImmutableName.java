package io.polysync.task.api;

import io.polysync.task.validation.InvalidRequestException;

/** Names are immutable ids (DESIGN.md section 10 rule 2): a {@code PUT} body may repeat its path's name, never change it. */
public final class ImmutableName {

    private ImmutableName() {
    }

    /**
     * The name a {@code PUT} body stands for: the path's.
     *
     * @throws InvalidRequestException naming {@code name} when the body names another one
     */
    public static String of(String pathName, String bodyName) {
        if (bodyName != null && !bodyName.equals(pathName)) {
            throw new InvalidRequestException("name", "names cannot change: the body names '" + bodyName
                    + "' but the path '" + pathName + "' (create a new resource and delete the old one instead)");
        }
        return pathName;
    }
}
