-- Out-of-network referrals. An outside doctor is a practitioner account that can never sign
-- in (no password hash matches), listed here, with a practitioners row that the directory
-- never lists, in a clinics row named after their practice: the referral lifecycle stays
-- the same.
CREATE TABLE external_doctors (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT FALSE;

-- Signed links. The token is HMAC(server key, nonce); only its SHA-256 is looked up here.
CREATE TABLE external_links (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    token_hash TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    uses BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX external_links_referral ON external_links(referral_id, created_at);

-- Mail goes out through this table, written in the transaction of the change that causes it.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    to_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    referral_id TEXT REFERENCES referrals(id),
    link_id TEXT REFERENCES external_links(id),
    attach_letter BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_referral ON outbox(referral_id, created_at);

-- Files an external doctor sends back (by the link page or by e-mail) are 'reply' files:
-- practitioners only, never shown to the patient.
ALTER TABLE attachments DROP CONSTRAINT attachments_purpose_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_purpose_check
    CHECK (purpose IN ('info', 'outcome', 'reply'));
