-- Groups, their members and roles, invitations, and the audit log of every change in a group.

CREATE TABLE groups (
    id                uuid PRIMARY KEY,
    name              varchar(100) NOT NULL CHECK (length(btrim(name)) >= 2),
    kind              text         NOT NULL CHECK (kind IN ('rosca', 'asca', 'vsla', 'cooperative')),
    currency          char(3)      NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The group's own time zone decides when its business day begins (engines, due dates).
    time_zone         text         NOT NULL,
    starts_on         date         NOT NULL,
    max_members       integer      NOT NULL CHECK (max_members BETWEEN 2 AND 500),
    rules_text        text         NOT NULL DEFAULT '' CHECK (length(rules_text) <= 10000),
    meeting_day       text         CHECK (meeting_day IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')),
    meeting_time      time,
    meeting_location  varchar(200),
    invite_code       varchar(16)  NOT NULL UNIQUE,
    -- Set by the ledger with the group's first posting: from then on, money-rule changes
    -- apply from the next period only.
    money_started_on  date,
    created_by        uuid         NOT NULL REFERENCES users (id),
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    -- Optimistic concurrency: two officials editing settings at once cannot overwrite each other.
    revision          integer      NOT NULL DEFAULT 1 CHECK (revision >= 1)
);

-- The money rules, versioned. The rules in force on a date are those of the highest version
-- whose effective_from is on or before it. Nothing here is ever updated or deleted.
CREATE TABLE group_rules (
    group_id             uuid        NOT NULL REFERENCES groups (id),
    version              integer     NOT NULL CHECK (version >= 1),
    effective_from       date        NOT NULL,
    contribution_amount  bigint      CHECK (contribution_amount > 0),
    frequency            text        NOT NULL CHECK (frequency IN ('weekly', 'biweekly', 'semimonthly', 'monthly', 'days')),
    every_days           integer     NOT NULL DEFAULT 0 CHECK (every_days BETWEEN 0 AND 366),
    registration_fee     bigint      NOT NULL DEFAULT 0 CHECK (registration_fee >= 0),
    late_fine_amount     bigint      NOT NULL DEFAULT 0 CHECK (late_fine_amount >= 0),
    late_fine_bps        integer     NOT NULL DEFAULT 0 CHECK (late_fine_bps BETWEEN 0 AND 10000),
    grace_days           integer     NOT NULL DEFAULT 0 CHECK (grace_days BETWEEN 0 AND 60),
    rotation_order       text        CHECK (rotation_order IN ('fixed', 'lottery', 'bidding')),
    rotation_pot         text        CHECK (rotation_pot IN ('gross', 'net')),
    shares_min           integer     NOT NULL DEFAULT 0,
    shares_max           integer     NOT NULL DEFAULT 0,
    created_by           uuid        NOT NULL REFERENCES users (id),
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (group_id, version),
    CHECK ((frequency = 'days') = (every_days > 0)),
    CHECK (NOT (late_fine_amount > 0 AND late_fine_bps > 0))
);

CREATE TABLE group_members (
    id          uuid         PRIMARY KEY,
    group_id    uuid         NOT NULL REFERENCES groups (id),
    -- Null while an invitation to a phone without an account is open.
    user_id     uuid         REFERENCES users (id),
    phone       varchar(32)  NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    full_name   varchar(100) NOT NULL,
    role        text         NOT NULL CHECK (role IN ('chair', 'treasurer', 'secretary', 'member')),
    status      text         NOT NULL CHECK (status IN ('invited', 'pending', 'active', 'suspended', 'exited')),
    -- Place in a rotating group's fixed order (set with the rotation work).
    position    integer      CHECK (position >= 1),
    joined_on   date,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    revision    integer      NOT NULL DEFAULT 1,
    UNIQUE (group_id, phone),
    -- Lets later tables (ledger lines, obligations) reference "this member of this group" so
    -- the database itself refuses a member of another group.
    UNIQUE (group_id, id)
);
CREATE UNIQUE INDEX group_members_group_user_key ON group_members (group_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX group_members_user_idx ON group_members (user_id);

-- Invitations: the link carries a data-protection-signed id; the row makes it single-use and
-- short-lived (expires_at checked against the app's clock).
CREATE TABLE group_invitations (
    id          uuid        PRIMARY KEY,
    group_id    uuid        NOT NULL,
    member_id   uuid        NOT NULL,
    created_by  uuid        NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id),
    CHECK (expires_at > created_at)
);
CREATE INDEX group_invitations_member_idx ON group_invitations (member_id);

-- Who did what, when, with the state before and after. Append-only: the database refuses to
-- change or remove an entry, whoever asks.
CREATE TABLE audit_log (
    id             uuid        PRIMARY KEY,
    group_id       uuid        REFERENCES groups (id),
    actor_user_id  uuid        REFERENCES users (id),
    action         text        NOT NULL,
    entity_type    text        NOT NULL,
    entity_id      text,
    before         jsonb,
    after          jsonb,
    at             timestamptz NOT NULL
);
CREATE INDEX audit_log_group_idx ON audit_log (group_id, id DESC);

CREATE FUNCTION refuse_update_or_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER group_rules_append_only BEFORE UPDATE OR DELETE ON group_rules
    FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER group_rules_no_truncate BEFORE TRUNCATE ON group_rules
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_update_or_delete();
