-- Why a message will never arrive, in the sender's words ("mailbox unknown"): set by a
-- permanent SMTP refusal or a bounce, which also stop the retries.
ALTER TABLE outbox ADD COLUMN failure TEXT;

-- Every message posted from the reply address, by Message-ID (or a hash of the message when
-- it has none): the same message delivered twice is posted once.
CREATE TABLE inbound_mail (
    message_key TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('posted', 'held', 'bounce')),
    received_at TIMESTAMP NOT NULL
);

-- Replies whose sender could not be confirmed as the outside doctor: kept, with the raw
-- message in the file store, until the referring practitioner posts or discards them.
CREATE TABLE held_replies (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    from_addr TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    file_names TEXT NOT NULL,
    raw_name TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    decision TEXT CHECK (decision IN ('posted', 'discarded')),
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP
);
CREATE INDEX held_replies_referral ON held_replies(referral_id, received_at);
