-- Accounts: ASP.NET Core Identity's tables in snake_case, keyed by uuid.
-- The phone number in E.164 form is the user name (the login); email is optional.

CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    user_name               varchar(32)  NOT NULL,
    normalized_user_name    varchar(32)  NOT NULL,
    email                   varchar(254),
    normalized_email        varchar(254),
    email_confirmed         boolean      NOT NULL DEFAULT false,
    password_hash           text,
    security_stamp          text,
    concurrency_stamp       text,
    phone_number            varchar(32),
    phone_number_confirmed  boolean      NOT NULL DEFAULT false,
    two_factor_enabled      boolean      NOT NULL DEFAULT false,
    lockout_end             timestamptz,
    lockout_enabled         boolean      NOT NULL DEFAULT true,
    access_failed_count     integer      NOT NULL DEFAULT 0,
    full_name               varchar(100) NOT NULL,
    created_at              timestamptz  NOT NULL,
    CONSTRAINT users_user_name_is_e164 CHECK (user_name ~ '^\+[1-9][0-9]{7,14}$'),
    CONSTRAINT users_access_failed_count_non_negative CHECK (access_failed_count >= 0)
);
CREATE UNIQUE INDEX users_normalized_user_name_key ON users (normalized_user_name);
-- Email is optional but, when present, it is a login too, so it must be unique.
CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email) WHERE normalized_email IS NOT NULL;

CREATE TABLE roles (
    id                 uuid PRIMARY KEY,
    name               varchar(64) NOT NULL,
    normalized_name    varchar(64) NOT NULL,
    concurrency_stamp  text
);
CREATE UNIQUE INDEX roles_normalized_name_key ON roles (normalized_name);

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_id_idx ON user_roles (role_id);

CREATE TABLE user_claims (
    id          serial PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claim_type  text,
    claim_value text
);
CREATE INDEX user_claims_user_id_idx ON user_claims (user_id);

CREATE TABLE role_claims (
    id          serial PRIMARY KEY,
    role_id     uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    claim_type  text,
    claim_value text
);
CREATE INDEX role_claims_role_id_idx ON role_claims (role_id);

CREATE TABLE user_logins (
    login_provider        varchar(128) NOT NULL,
    provider_key          varchar(128) NOT NULL,
    provider_display_name text,
    user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (login_provider, provider_key)
);
CREATE INDEX user_logins_user_id_idx ON user_logins (user_id);

-- Holds the TOTP authenticator key (Identity's "[AspNetUserStore]" / "AuthenticatorKey").
CREATE TABLE user_tokens (
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_provider varchar(128) NOT NULL,
    name           varchar(128) NOT NULL,
    value          text,
    PRIMARY KEY (user_id, login_provider, name)
);

-- The platform operator runs the service; it has no access to any group's money.
INSERT INTO roles (id, name, normalized_name, concurrency_stamp)
VALUES ('6f0e9a51-3c1a-4f5e-9a53-0c6a2d1f7b01', 'operator', 'OPERATOR', 'seed');

-- Password reset: only the SHA-256 of the code is stored, so a database reader cannot reset
-- anyone's password. used_at makes a code single-use; the conditional UPDATE that sets it is
-- what enforces that under concurrency.
CREATE TABLE password_reset_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT password_reset_tokens_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX password_reset_tokens_user_id_idx ON password_reset_tokens (user_id);

-- ASP.NET Core data-protection keys live in the database, so cookies and bearer tokens stay
-- valid across restarts and across app instances, and the keys are in every backup.
CREATE TABLE data_protection_keys (
    id            serial PRIMARY KEY,
    friendly_name text,
    xml           text NOT NULL
);

-- The notification outbox: a notice is written in the same transaction as its cause, then
-- delivered by the dispatcher with retries. "sending" rows carry a lease (locked_until) so a
-- crashed dispatcher's work is picked up again.
CREATE TABLE notification_outbox (
    id                   uuid PRIMARY KEY,
    channel              text        NOT NULL CHECK (channel IN ('sms')),
    recipient            varchar(32) NOT NULL,
    template             text        NOT NULL,
    body                 text,
    sensitive            boolean     NOT NULL DEFAULT false,
    status               text        NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts             integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at      timestamptz NOT NULL,
    locked_until         timestamptz,
    last_error           text,
    provider_message_id  text,
    created_at           timestamptz NOT NULL,
    sent_at              timestamptz
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient, created_at);
