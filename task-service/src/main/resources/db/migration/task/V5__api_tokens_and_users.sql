-- API tokens are looked up on every request by the SHA-256 of the presented value: one probe of a unique index.
-- The token itself is never stored.
CREATE TABLE api_token (
    id           UUID PRIMARY KEY,
    name         VARCHAR(63) NOT NULL,
    role         VARCHAR(16) NOT NULL,
    token_hash   CHAR(64)    NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_token_name_unique UNIQUE (name),
    CONSTRAINT api_token_hash_unique UNIQUE (token_hash)
);

-- Users sign in with a password (UI form, or HTTP Basic on the API); only a slow salted hash is kept.
CREATE TABLE app_user (
    id            UUID PRIMARY KEY,
    username      VARCHAR(63)  NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT app_user_username_unique UNIQUE (username)
);
