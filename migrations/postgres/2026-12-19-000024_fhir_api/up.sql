-- Record systems that call the FHIR API (/fhir/r4/): each acts for one practitioner of the
-- clinic, with SMART v2 scopes ("user/*.rs user/Task.u"). The bearer token is shown once
-- and stored as SHA-256 (it is random, 256 bits, so a fast hash is enough).
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    name TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    scopes TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_clients_clinic ON api_clients(clinic_id, created_at);

-- A search of the referrals a practitioner is party to, most recently changed first: one
-- index range per side, bounded by the page size.
CREATE INDEX referrals_sender_changed ON referrals(sender_id, updated_at, id);
CREATE INDEX referrals_receiver_changed ON referrals(receiver_id, updated_at, id);
