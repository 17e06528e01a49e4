-- Mobile money: payments through M-Pesa and MTN MoMo, the raw callbacks they send, and the
-- reconciliation exceptions officials resolve. docs/decisions/0007-payments-and-reconciliation.md.

-- How a group pays its recipients: by hand (cash or bank, confirmed by an official) or by a
-- provider, sent by the payouts engine to the recipient's phone.
ALTER TABLE groups
    ADD COLUMN payout_channel text NOT NULL DEFAULT 'manual' CHECK (payout_channel IN ('manual', 'mpesa', 'momo'));

-- A member's paybill account number (M-Pesa C2B BillRefNumber): digits only, because it is typed
-- on a phone keypad; a running number (unique by construction, at any scale: random codes of a
-- typeable length collide by the birthday bound) with a Luhn check digit, so a mistyped digit
-- names nobody rather than somebody else.
CREATE SEQUENCE group_members_pay_code_seq START WITH 1000000;
CREATE FUNCTION pamoja_pay_code(n bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    digits text := n::text;
    total  integer := 0;
    d      integer;
    double boolean := true;  -- the check digit will sit to the right: double the rightmost digit
BEGIN
    FOR i IN REVERSE length(digits)..1 LOOP
        d := substr(digits, i, 1)::integer;
        IF double THEN
            d := d * 2;
            IF d > 9 THEN d := d - 9; END IF;
        END IF;
        total := total + d;
        double := NOT double;
    END LOOP;
    RETURN digits || ((10 - total % 10) % 10)::text;
END $$;
ALTER TABLE group_members ADD COLUMN pay_code varchar(12);
UPDATE group_members m SET pay_code = pamoja_pay_code(nextval('group_members_pay_code_seq'))
  FROM (SELECT id FROM group_members ORDER BY created_at, id) o WHERE o.id = m.id;
ALTER TABLE group_members ALTER COLUMN pay_code SET DEFAULT pamoja_pay_code(nextval('group_members_pay_code_seq'));
ALTER TABLE group_members ALTER COLUMN pay_code SET NOT NULL;
CREATE UNIQUE INDEX group_members_pay_code_key ON group_members (pay_code);

-- A member who asked to be charged automatically: on each due date the contributions engine
-- asks the provider to collect what they owe (an STK push / request-to-pay they approve).
CREATE TABLE standing_instructions (
    group_id    uuid        NOT NULL,
    member_id   uuid        NOT NULL,
    provider    text        NOT NULL CHECK (provider IN ('mpesa', 'momo')),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (group_id, member_id),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id)
);

-- One payment through a provider: a collection from a member's phone or a payout to it.
-- status is what the API shows; attempt counts sends (a new attempt only after a definite
-- failure, so an ambiguous send is never repeated); provider_ref is the current attempt's handle.
CREATE TABLE payments (
    id             uuid        PRIMARY KEY,
    group_id       uuid        NOT NULL REFERENCES groups (id),
    member_id      uuid        NOT NULL,
    direction      text        NOT NULL CHECK (direction IN ('collection', 'payout')),
    provider       text        NOT NULL CHECK (provider IN ('mpesa', 'momo')),
    amount         bigint      NOT NULL CHECK (amount > 0),
    currency       char(3)     NOT NULL,
    phone          varchar(20) NOT NULL,
    status         text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
    -- queued: not sent yet; sent: the request went out (its answer decides); settled: final.
    stage          text        NOT NULL CHECK (stage IN ('queued', 'sent', 'settled')),
    attempt        integer     NOT NULL DEFAULT 1 CHECK (attempt BETWEEN 1 AND 20),
    provider_ref   varchar(100),
    receipt        varchar(64),
    -- The receipt a callback reported before the provider's status query confirmed the money
    -- (the STK query carries none): used when booking it.
    reported_receipt varchar(64),
    result_code    varchar(40),
    result_message varchar(300),
    -- The provider's amount when it differs from ours (it is what moved).
    settled_amount bigint,
    payout_id      uuid        REFERENCES payouts (id),
    period         integer,
    -- The entry that recognised the money: the contribution, or the payout's send.
    entry_id       uuid,
    settle_entry_id uuid,
    requested_by   uuid        REFERENCES users (id),
    next_check_at  timestamptz,
    checks         integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    settled_at     timestamptz,
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, id),
    CHECK ((stage = 'settled') = (status IN ('succeeded', 'failed'))),
    CHECK (status <> 'succeeded' OR receipt IS NOT NULL)
);
-- A provider's handle belongs to one payment; a payout has one live payment at a time.
CREATE UNIQUE INDEX payments_provider_ref_key ON payments (provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE UNIQUE INDEX payments_open_payout_key ON payments (payout_id) WHERE payout_id IS NOT NULL AND stage <> 'settled';
CREATE UNIQUE INDEX payments_receipt_key ON payments (provider, receipt) WHERE receipt IS NOT NULL;
CREATE INDEX payments_group_idx ON payments (group_id, created_at DESC);
CREATE INDEX payments_check_idx ON payments (next_check_at) WHERE stage <> 'settled';

-- Every attempt sent, and what came back (for officials, and so a retry can be explained).
CREATE TABLE payment_attempts (
    payment_id     uuid        NOT NULL REFERENCES payments (id),
    attempt        integer     NOT NULL,
    provider_ref   varchar(100),
    status         text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
    result_code    varchar(40),
    result_message varchar(300),
    sent_at        timestamptz NOT NULL,
    answered_at    timestamptz,
    PRIMARY KEY (payment_id, attempt)
);

-- Provider callbacks, stored raw before anything else is done with them (the body as received,
-- capped; truncated says so). notice_key is the provider's event id: processed once.
CREATE TABLE provider_callbacks (
    id            uuid        PRIMARY KEY,
    provider      text        NOT NULL,
    kind          text        NOT NULL,
    query         varchar(500),
    body          text        NOT NULL,
    truncated     boolean     NOT NULL DEFAULT false,
    remote_ip     varchar(64),
    received_at   timestamptz NOT NULL,
    status        text        NOT NULL DEFAULT 'received'
                  CHECK (status IN ('received', 'processed', 'duplicate', 'quarantined')),
    notice_key    varchar(200),
    payment_id    uuid,
    detail        varchar(500),
    processed_at  timestamptz
);
CREATE UNIQUE INDEX provider_callbacks_processed_key ON provider_callbacks (notice_key) WHERE status = 'processed';
CREATE INDEX provider_callbacks_received_idx ON provider_callbacks (received_at DESC);

-- Secrets the platform makes for itself. payments.callbacks keys the HMAC tokens Pamoja puts in
-- every callback URL it gives a provider (Daraja and MoMo sign nothing): a callback without its
-- payment's token is quarantined. gen_random_uuid() draws from PostgreSQL's strong random source.
CREATE TABLE platform_secrets (
    name   text  PRIMARY KEY,
    value  bytea NOT NULL CHECK (length(value) >= 16)
);
INSERT INTO platform_secrets (name, value)
VALUES ('payments.callbacks', decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'));

-- What reconciliation found that a person must look at. group_id is null for what belongs to no
-- group yet (a deposit to an unknown account): operators see those. dedupe_key makes the
-- reconciliation job safe to run again.
CREATE TABLE reconciliation_exceptions (
    id           uuid        PRIMARY KEY,
    group_id     uuid        REFERENCES groups (id),
    kind         text        NOT NULL,
    payment_id   uuid        REFERENCES payments (id),
    callback_id  uuid        REFERENCES provider_callbacks (id),
    amount       bigint,
    currency     char(3),
    detail       varchar(500) NOT NULL,
    dedupe_key   varchar(200) NOT NULL UNIQUE,
    found_at     timestamptz NOT NULL,
    resolved_at  timestamptz,
    resolved_by  uuid        REFERENCES users (id),
    resolution   varchar(500),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE INDEX reconciliation_exceptions_open_idx ON reconciliation_exceptions (group_id, found_at DESC) WHERE resolved_at IS NULL;

-- A payout by mobile money passes through the provider's clearing account: sent (clearing ←
-- pool), then paid (payable ← clearing) or returned (pool ← clearing).
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind_check
    CHECK (kind IN ('contribution', 'registration_fee', 'fine_charged', 'fine_paid', 'opening', 'reversal', 'payout_reserved', 'payout_paid',
                    'payout_sent', 'payout_returned'));
