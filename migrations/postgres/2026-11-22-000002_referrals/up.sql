-- Referrals, their events and consents, threads and messages, notifications, and the
-- receiver's scheduling practice (the booking prompt depends on it).

CREATE TABLE practices (
    practitioner_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    location TEXT NOT NULL,
    visit_minutes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL DEFAULT 'specialist' CHECK (kind IN ('specialist', 'lab', 'imaging', 'admission', 'external')),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    sender_clinic_id TEXT NOT NULL REFERENCES clinics(id),
    receiver_id TEXT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_patient', 'declined_by_patient', 'sent', 'need_info',
        'visit_required', 'accepted', 'completed', 'rejected', 'cancelled')),
    version BIGINT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'emergency')),
    priority_rank BIGINT NOT NULL,
    see_by TEXT,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    doctor_only BOOLEAN NOT NULL,
    snapshot TEXT NOT NULL,
    scope TEXT NOT NULL,
    what_to_bring TEXT NOT NULL,
    redirected_from TEXT REFERENCES referrals(id),
    redirected_to TEXT REFERENCES referrals(id),
    reject_code TEXT,
    reject_note TEXT,
    cancel_reason TEXT,
    decline_reason TEXT,
    outcome_summary TEXT,
    outcome_advice TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    received_at TIMESTAMP,
    accepted_at TIMESTAMP,
    completed_at TIMESTAMP,
    -- When the referral last became someone's turn: the inbox sorts by how long it waits.
    waiting_since TIMESTAMP NOT NULL
);
CREATE INDEX referrals_inbox ON referrals(receiver_id, status, waiting_since, id);
CREATE INDEX referrals_inbox_waiting ON referrals(receiver_id, waiting_since, id);
CREATE INDEX referrals_inbox_senders ON referrals(receiver_id, sender_id, status);
CREATE INDEX referrals_inbox_priority ON referrals(receiver_id, priority_rank, waiting_since, id);
CREATE INDEX referrals_sender ON referrals(sender_id, status, updated_at);
CREATE INDEX referrals_patient ON referrals(patient_id, created_at);

CREATE TABLE referral_events (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users(id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL,
    patient_visible BOOLEAN NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, at);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    recipient_id TEXT NOT NULL REFERENCES users(id),
    method TEXT NOT NULL CHECK (method IN ('verbal', 'in_app')),
    scope TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX consents_referral ON consents(referral_id);
CREATE INDEX consents_patient ON consents(patient_id);

-- One thread per pair: kind 'pp' (two practitioners, a_id < b_id) or 'pt' (practitioner
-- a_id with patient b_id, a patients.id).
CREATE TABLE threads (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pp', 'pt')),
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_message_at TIMESTAMP NOT NULL,
    UNIQUE (kind, a_id, b_id)
);
CREATE INDEX threads_a ON threads(a_id, last_message_at);
CREATE INDEX threads_b ON threads(b_id, last_message_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    author_id TEXT REFERENCES users(id),
    body TEXT NOT NULL,
    referral_id TEXT REFERENCES referrals(id),
    card TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_thread ON messages(thread_id, created_at);

CREATE TABLE thread_reads (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    last_read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    referral_id TEXT REFERENCES referrals(id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, created_at);

-- The network directory for specialist search: trigram similarity (pg_trgm) over one
-- lower-case text per practitioner, with a GIN index for ILIKE and word similarity.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE directory (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    body TEXT NOT NULL
);
CREATE INDEX directory_body_trgm ON directory USING gin (body gin_trgm_ops);
