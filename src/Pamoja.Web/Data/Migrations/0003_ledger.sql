-- The group ledger: balanced, immutable, hash-chained journal entries.

-- One row per group: the last sequence number and hash. Locking it (SELECT … FOR UPDATE) is
-- what makes concurrent writers to one group take turns, so the sequence never forks or skips;
-- comparing it with the last entry is what makes a removed tail evident.
CREATE TABLE ledger_heads (
    group_id  uuid   PRIMARY KEY REFERENCES groups (id),
    seq       bigint NOT NULL CHECK (seq >= 0),
    hash      char(64) NOT NULL
);

CREATE TABLE journal_entries (
    id                 uuid        PRIMARY KEY,
    group_id           uuid        NOT NULL REFERENCES groups (id),
    seq                bigint      NOT NULL CHECK (seq >= 1),
    kind               text        NOT NULL CHECK (kind IN ('contribution', 'registration_fee', 'fine_charged', 'fine_paid', 'opening', 'reversal')),
    posted_at          timestamptz NOT NULL,
    -- The business date the money moved on (a contribution paid yesterday, recorded today).
    effective_on       date        NOT NULL,
    memo               text        NOT NULL DEFAULT '' CHECK (length(memo) <= 500),
    reverses_entry_id  uuid        REFERENCES journal_entries (id),
    external_provider  text        CHECK (external_provider IN ('cash', 'bank', 'mpesa', 'momo')),
    external_ref       varchar(64),
    created_by         uuid        REFERENCES users (id),
    prev_hash          char(64)    NOT NULL,
    hash               char(64)    NOT NULL,
    UNIQUE (group_id, seq),
    UNIQUE (group_id, id),
    CHECK ((kind = 'reversal') = (reverses_entry_id IS NOT NULL))
);
-- An entry is reversed at most once.
CREATE UNIQUE INDEX journal_entries_reverses_key ON journal_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;

CREATE TABLE journal_lines (
    entry_id   uuid        NOT NULL,
    group_id   uuid        NOT NULL,
    line_no    integer     NOT NULL CHECK (line_no >= 1),
    account    varchar(80) NOT NULL,
    -- Set for member accounts: the composite key makes the database refuse a member of
    -- another group, whatever the application does.
    member_id  uuid,
    amount     bigint      NOT NULL CHECK (amount <> 0),
    currency   char(3)     NOT NULL,
    PRIMARY KEY (entry_id, line_no),
    FOREIGN KEY (group_id, entry_id) REFERENCES journal_entries (group_id, id),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id),
    CHECK ((member_id IS NOT NULL) = (account LIKE 'member:%'))
);
CREATE INDEX journal_lines_member_idx ON journal_lines (group_id, member_id, entry_id) WHERE member_id IS NOT NULL;
CREATE INDEX journal_lines_account_idx ON journal_lines (group_id, account);

-- Balances cached per account, updated in the same transaction as the lines; verification
-- checks them against the sum of the lines.
CREATE TABLE ledger_balances (
    group_id   uuid        NOT NULL REFERENCES groups (id),
    account    varchar(80) NOT NULL,
    member_id  uuid,
    currency   char(3)     NOT NULL,
    balance    bigint      NOT NULL,
    PRIMARY KEY (group_id, account),
    -- The group cannot pay out cash it does not hold: the statement that would overdraw a pool
    -- fails, and with it the whole posting.
    CONSTRAINT ledger_balances_pool_not_overdrawn CHECK (account NOT LIKE 'pool:%' OR balance >= 0),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id)
);

-- A provider's reference (M-Pesa receipt, MoMo reference, bank reference) maps to exactly one
-- live entry. Reversing the entry releases it, so the receipt can be recorded again correctly.
CREATE TABLE external_references (
    provider           text        NOT NULL,
    reference          varchar(64) NOT NULL,
    group_id           uuid        NOT NULL REFERENCES groups (id),
    entry_id           uuid        NOT NULL,
    released_by_entry  uuid,
    FOREIGN KEY (group_id, entry_id) REFERENCES journal_entries (group_id, id)
);
-- Mobile-money receipts are unique worldwide; bank references only within a group.
CREATE UNIQUE INDEX external_references_live_key ON external_references (provider, reference)
    WHERE released_by_entry IS NULL AND provider IN ('mpesa', 'momo');
CREATE UNIQUE INDEX external_references_live_bank_key ON external_references (group_id, provider, reference)
    WHERE released_by_entry IS NULL AND provider = 'bank';

CREATE TABLE contributions (
    id           uuid        PRIMARY KEY,
    group_id     uuid        NOT NULL REFERENCES groups (id),
    member_id    uuid        NOT NULL,
    amount       bigint      NOT NULL CHECK (amount > 0),
    currency     char(3)     NOT NULL,
    method       text        NOT NULL CHECK (method IN ('cash', 'bank', 'mpesa', 'momo')),
    reference    varchar(64),
    paid_on      date        NOT NULL,
    entry_id     uuid        NOT NULL,
    recorded_by  uuid        REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id),
    FOREIGN KEY (group_id, entry_id) REFERENCES journal_entries (group_id, id)
);
CREATE INDEX contributions_member_idx ON contributions (group_id, member_id, paid_on);

-- Idempotency-Key (api.md § Conventions): the first response to a key, kept byte for byte.
CREATE TABLE idempotency_keys (
    scope          uuid         NOT NULL,  -- the caller: keys are theirs, as at Stripe
    key            varchar(255) NOT NULL,
    request_hash   bytea        NOT NULL,
    status_code    integer      NOT NULL,
    response_body  text         NOT NULL,
    created_at     timestamptz  NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER contributions_append_only BEFORE UPDATE OR DELETE ON contributions
    FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();
CREATE TRIGGER contributions_no_truncate BEFORE TRUNCATE ON contributions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_update_or_delete();
