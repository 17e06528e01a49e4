-- Schedules, rotation, obligations, fines, payouts and the daily engines' progress.

-- How a rotating group pays its recipient, and what happens to the turn of a member who
-- leaves before receiving (settings, not money rules: they are audited but not versioned).
ALTER TABLE groups
    ADD COLUMN payout_policy text NOT NULL DEFAULT 'all_collected' CHECK (payout_policy IN ('all_collected', 'due_date')),
    ADD COLUMN exit_turn     text NOT NULL DEFAULT 'shorten' CHECK (exit_turn IN ('shorten', 'skip'));

-- A rotation cycle: every member in it receives once. The members are its turns.
CREATE TABLE rotation_cycles (
    group_id      uuid        NOT NULL REFERENCES groups (id),
    cycle         integer     NOT NULL CHECK (cycle >= 1),
    first_period  integer     NOT NULL CHECK (first_period >= 0),
    method        text        NOT NULL CHECK (method IN ('fixed', 'lottery', 'bidding')),
    -- Lottery: the seed revealed at the draw; SHA-256(seed) is the commitment published before it.
    seed          char(64),
    commitment    char(64),
    drawn_at      timestamptz,
    -- The draw's output as drawn (turns may change later when someone leaves): the proof.
    drawn_order   uuid[],
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (group_id, cycle),
    UNIQUE (group_id, first_period),
    CHECK ((seed IS NULL) = (commitment IS NULL))
);

-- Who receives in which period. A bidding cycle's turns get their period when won; a lottery
-- cycle waiting for its draw has none yet. member_id is null for a vacated turn (exit_turn = skip).
CREATE TABLE rotation_turns (
    id         uuid    PRIMARY KEY,
    group_id   uuid    NOT NULL,
    cycle      integer NOT NULL,
    member_id  uuid,
    period     integer CHECK (period >= 0),
    -- Bidding: the discount the recipient gave up, shared among the others.
    discount   bigint  NOT NULL DEFAULT 0 CHECK (discount >= 0),
    FOREIGN KEY (group_id, cycle) REFERENCES rotation_cycles (group_id, cycle),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id)
);
-- The engines read a group's turns on every run (the partial unique indexes below cannot serve
-- a plain group_id lookup: without this, each run scans the whole table).
CREATE INDEX rotation_turns_group_idx ON rotation_turns (group_id, cycle);
-- One recipient per period, one turn per member per cycle.
CREATE UNIQUE INDEX rotation_turns_period_key ON rotation_turns (group_id, period) WHERE period IS NOT NULL;
CREATE UNIQUE INDEX rotation_turns_member_key ON rotation_turns (group_id, cycle, member_id) WHERE member_id IS NOT NULL;

-- Commit-reveal for the next lottery draw: the commitment is public from published_at; the seed
-- stays secret (never returned by the API) until the draw copies it into rotation_cycles.
CREATE TABLE lottery_commitments (
    group_id      uuid        NOT NULL REFERENCES groups (id),
    cycle         integer     NOT NULL CHECK (cycle >= 1),
    seed          char(64)    NOT NULL,
    commitment    char(64)    NOT NULL,
    published_at  timestamptz NOT NULL,
    revealed_at   timestamptz,
    PRIMARY KEY (group_id, cycle)
);

-- Bidding: a member's discount offered for a period's pot; the latest bid of a member counts.
CREATE TABLE rotation_bids (
    group_id   uuid        NOT NULL,
    period     integer     NOT NULL CHECK (period >= 0),
    member_id  uuid        NOT NULL,
    discount   bigint      NOT NULL CHECK (discount >= 0),
    placed_at  timestamptz NOT NULL,
    PRIMARY KEY (group_id, period, member_id),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id)
);

-- One obligation per member per period. What has been paid towards it is derived from the
-- ledger (the member's contributions, oldest obligation first), never stored twice.
CREATE TABLE obligations (
    group_id    uuid        NOT NULL,
    member_id   uuid        NOT NULL,
    period      integer     NOT NULL CHECK (period >= 0),
    amount      bigint      NOT NULL CHECK (amount > 0),
    due_on      date        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (group_id, member_id, period),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id)
);
CREATE INDEX obligations_period_idx ON obligations (group_id, period);

-- A late fine is charged once per obligation: the key makes a second charge impossible.
CREATE TABLE late_fines (
    group_id   uuid    NOT NULL,
    member_id  uuid    NOT NULL,
    period     integer NOT NULL,
    amount     bigint  NOT NULL CHECK (amount > 0),
    entry_id   uuid    NOT NULL,
    PRIMARY KEY (group_id, member_id, period),
    FOREIGN KEY (group_id, member_id, period) REFERENCES obligations (group_id, member_id, period),
    FOREIGN KEY (group_id, entry_id) REFERENCES journal_entries (group_id, id)
);

-- A payout is two-phase: reserved (the pot moves to payable:payouts), then paid (the pool
-- pays it) or voided (the reservation is reversed) — exactly one of the two, once.
CREATE TABLE payouts (
    id                  uuid        PRIMARY KEY,
    group_id            uuid        NOT NULL REFERENCES groups (id),
    period              integer     NOT NULL CHECK (period >= 0),
    cycle               integer     NOT NULL,
    member_id           uuid        NOT NULL,
    amount              bigint      NOT NULL CHECK (amount > 0),
    discount            bigint      NOT NULL DEFAULT 0 CHECK (discount >= 0),
    currency            char(3)     NOT NULL,
    status              text        NOT NULL CHECK (status IN ('reserved', 'paid', 'voided')),
    reserve_entry_id    uuid        NOT NULL,
    settle_entry_id     uuid,
    method              text        CHECK (method IN ('cash', 'bank', 'mpesa', 'momo')),
    payment_id          uuid,
    reason              varchar(200),
    reserved_at         timestamptz NOT NULL,
    settled_at          timestamptz,
    settled_by          uuid        REFERENCES users (id),
    revision            integer     NOT NULL DEFAULT 1,
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id),
    FOREIGN KEY (group_id, reserve_entry_id) REFERENCES journal_entries (group_id, id),
    FOREIGN KEY (group_id, settle_entry_id) REFERENCES journal_entries (group_id, id),
    CHECK ((status = 'reserved') = (settle_entry_id IS NULL)),
    CHECK ((status = 'paid') = (method IS NOT NULL))
);
-- Never twice: one payout per period, whatever its state (a voided payout is not re-reserved
-- by the engine; an official decides what happens next).
CREATE UNIQUE INDEX payouts_period_key ON payouts (group_id, period);
CREATE INDEX payouts_group_idx ON payouts (group_id, reserved_at DESC);

-- How far the daily engines have run for each group: a run's effects and this mark commit in
-- one transaction, so a crash redoes the whole run and a second run finds nothing left.
CREATE TABLE engine_cursors (
    group_id      uuid        PRIMARY KEY REFERENCES groups (id),
    done_through  date        NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- Notices written by the engines carry a key, so the same reminder can never be queued twice.
ALTER TABLE notification_outbox ADD COLUMN dedupe_key text;
CREATE UNIQUE INDEX notification_outbox_dedupe_key ON notification_outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Payouts are entries like any other: reserved (member's payouts ← payable) and paid (payable ← pool).
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind_check
    CHECK (kind IN ('contribution', 'registration_fee', 'fine_charged', 'fine_paid', 'opening', 'reversal', 'payout_reserved', 'payout_paid'));
