-- Need-info rounds: each request is a checklist of asks, each answered with a note and/or
-- files. Attachments (answers, outcome reports) are files in the object store with a
-- metadata row here.
CREATE TABLE referral_asks (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    round BIGINT NOT NULL,
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX referral_asks_referral ON referral_asks(referral_id, round, position);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    ask_id TEXT REFERENCES referral_asks(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('info', 'outcome')),
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_referral ON attachments(referral_id, uploaded_at);
