-- Channels: members use Pamoja from WhatsApp, SMS and USSD; notices reach them in their
-- language, on their channel, outside their quiet hours.

-- How a phone number wants to be reached. Keyed by phone, not user: invited members without an
-- account get notices too. A missing row means the defaults (English, SMS, 21:00-07:00 quiet
-- hours in the time zone of the phone's country).
CREATE TABLE contact_preferences (
    phone                    varchar(32) PRIMARY KEY CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    language                 text        NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sw', 'zu', 'yo', 'rw', 'fr')),
    channel                  text        NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'whatsapp')),
    -- Minutes after local midnight; equal start and end means no quiet hours.
    quiet_from               smallint    NOT NULL DEFAULT 1260 CHECK (quiet_from BETWEEN 0 AND 1439),
    quiet_to                 smallint    NOT NULL DEFAULT 420 CHECK (quiet_to BETWEEN 0 AND 1439),
    -- Null: the time zone of the phone number's country (ContactPreference.ZoneOf).
    time_zone                text,
    -- WhatsApp allows free-form messages only within 24 hours of the member's last message.
    whatsapp_last_inbound_at timestamptz,
    updated_at               timestamptz NOT NULL
);

-- The outbox learns channels, languages and delivery:
--  * channel 'auto' is chosen at dispatch from the recipient's preference (WhatsApp falls back
--    to SMS); 'sms' or 'whatsapp' is fixed by the writer;
--  * a notice written with params is rendered at dispatch in the recipient's language (body
--    then holds what was sent); legacy rows carry their body;
--  * urgent notices (codes, receipts for what the member just did) ignore quiet hours;
--  * delivery_status follows the provider's status callbacks, never backwards.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_channel_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_channel_check CHECK (channel IN ('auto', 'sms', 'whatsapp'));
ALTER TABLE notification_outbox
    ADD COLUMN params          jsonb,
    ADD COLUMN urgent          boolean     NOT NULL DEFAULT false,
    ADD COLUMN sent_channel    text        CHECK (sent_channel IN ('sms', 'whatsapp')),
    ADD COLUMN sent_language   text,
    ADD COLUMN provider        text,
    ADD COLUMN delivery_status text,
    ADD COLUMN delivery_rank   integer,
    ADD COLUMN delivery_final  boolean,
    ADD COLUMN delivered_at    timestamptz,
    ADD COLUMN fallback_of     uuid REFERENCES notification_outbox (id);
CREATE INDEX notification_outbox_provider_message_idx ON notification_outbox (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;

-- A PIN for the chat channels, set on the web; it guards every money-moving chat action.
ALTER TABLE users
    ADD COLUMN chat_pin_hash        text,
    ADD COLUMN chat_pin_failures    integer NOT NULL DEFAULT 0 CHECK (chat_pin_failures >= 0),
    ADD COLUMN chat_pin_locked_until timestamptz,
    -- Lockouts in a row (the right PIN clears them): the third disables the PIN until it is set again.
    ADD COLUMN chat_pin_lockouts    integer NOT NULL DEFAULT 0 CHECK (chat_pin_lockouts >= 0);

-- Every inbound chat message and USSD step, stored raw before it is handled and answered the
-- same way however often the provider delivers it (MessageSid; AT's sessionId + text).
CREATE TABLE inbound_messages (
    id            uuid PRIMARY KEY,
    provider      text        NOT NULL CHECK (provider IN ('twilio', 'africastalking')),
    channel       text        NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'ussd')),
    external_id   text        NOT NULL,
    phone         varchar(32),
    body          text,
    raw           text        NOT NULL,
    received_at   timestamptz NOT NULL,
    status        text        NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'answered', 'rejected')),
    reply         text,
    answered_at   timestamptz,
    UNIQUE (provider, channel, external_id)
);
CREATE INDEX inbound_messages_phone_idx ON inbound_messages (phone, received_at);

-- Where a conversation is: the group chosen, the step awaiting an answer (a menu, an amount, a
-- PIN) and what it is about. WhatsApp and SMS key by channel and phone; USSD by session id.
CREATE TABLE chat_sessions (
    channel       text        NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'ussd')),
    conversation  text        NOT NULL,
    phone         varchar(32) NOT NULL,
    group_id      uuid        REFERENCES groups (id),
    step          text        NOT NULL DEFAULT 'home',
    data          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    turn          integer     NOT NULL DEFAULT 0,
    expires_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (channel, conversation)
);

-- Signed, single-use, short-lived links from a chat to the web page that does a complex step.
-- The link carries the id and an HMAC of it; the row says what it opens and whether it was used.
CREATE TABLE chat_links (
    id          uuid PRIMARY KEY,
    phone       varchar(32) NOT NULL,
    purpose     text        NOT NULL CHECK (purpose IN ('set-pin', 'join', 'register', 'statement', 'preferences')),
    target      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

-- A chat finds its member by phone number.
CREATE INDEX group_members_phone_idx ON group_members (phone);

-- A delivery report can outrun the send's own answer (Twilio reports a WhatsApp failure within
-- a second). One that matches no sent message yet waits here and is applied when the message's
-- provider id is recorded.
CREATE TABLE pending_delivery_reports (
    provider             text        NOT NULL,
    provider_message_id  text        NOT NULL,
    status               text        NOT NULL,
    rank                 integer     NOT NULL,
    final                boolean     NOT NULL,
    delivered            boolean     NOT NULL,
    error                text,
    received_at          timestamptz NOT NULL,
    PRIMARY KEY (provider, provider_message_id, status)
);
