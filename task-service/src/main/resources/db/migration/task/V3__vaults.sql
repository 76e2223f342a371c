-- Vaults hold the secrets that vault://<vault>/<secret> references name. Only builtin vaults keep values here,
-- AES-256-GCM encrypted under the master key (base64 of nonce || ciphertext || tag); env and file vaults only
-- describe where the values live.

CREATE TABLE vault (
    id          UUID                     PRIMARY KEY,
    name        VARCHAR(63)              NOT NULL,
    kind        VARCHAR(16)              NOT NULL,
    config      TEXT                     NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version BIGINT                   NOT NULL,
    CONSTRAINT vault_name_unique UNIQUE (name)
);

CREATE TABLE vault_secret (
    vault_id   UUID                     NOT NULL REFERENCES vault (id) ON DELETE CASCADE,
    name       VARCHAR(128)             NOT NULL,
    ciphertext TEXT                     NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (vault_id, name)
);
