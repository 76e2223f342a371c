package io.polysync.task.vault;

import io.polysync.task.validation.FieldError;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.util.List;

/**
 * A secret cannot be written or read because of the server's configuration: no master key, a stored value that
 * the configured key does not open, or a vault file the service may not read. Answered as 503 with the usual problem shape; never names the value.
 */
public class SecretUnavailableException extends ErrorResponseException {

    private SecretUnavailableException(String field, String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(field, detail), null);
    }

    static SecretUnavailableException noMasterKey() {
        return new SecretUnavailableException("vault", "builtin vault secrets are unavailable: no master key is "
                + "configured (set " + SecretCipher.MASTER_KEY_VARIABLE + " to base64 of 32 random bytes)");
    }

    static SecretUnavailableException undecryptable(String vault, String secret) {
        return new SecretUnavailableException("name", "secret '" + secret + "' of vault '" + vault
                + "' cannot be decrypted with the configured master key (was the key changed?)");
    }

    static SecretUnavailableException unreadable(String vault, String secret) {
        return new SecretUnavailableException("name", "secret '" + secret + "' of vault '" + vault
                + "' exists but cannot be read by the task-service");
    }

    private static ProblemDetail problem(String field, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Secret unavailable");
        problem.setProperty("errors", List.of(new FieldError(field, detail)));
        return problem;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
