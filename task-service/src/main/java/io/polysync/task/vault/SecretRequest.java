package io.polysync.task.vault;

/** The body of {@code PUT /api/v1/vaults/{vault}/secrets/{name}}. */
public record SecretRequest(String value) {

    /** Never prints the value: records print their components, and requests reach logs and debuggers. */
    @Override
    public String toString() {
        return "SecretRequest[value=***]";
    }
}
