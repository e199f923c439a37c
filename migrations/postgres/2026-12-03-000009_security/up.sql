-- A second factor (RFC 6238 codes) per account: the shared secret (base32) and the last
-- time step accepted, so a code is never accepted twice.
CREATE TABLE second_factors (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled_at TIMESTAMP NOT NULL,
    last_step BIGINT NOT NULL
);

-- Ten single-use recovery codes per enrolment, stored as SHA-256 (they are random, 50 bits).
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id, code_hash);

-- Per clinic: its staff must use a second factor.
CREATE TABLE clinic_security (
    clinic_id TEXT PRIMARY KEY NOT NULL REFERENCES clinics(id),
    second_factor_required BOOLEAN NOT NULL
);

-- Refused attempts counted per client address and scope (sign-in, second factor, link
-- tokens, mail ingest), in the database so a limit holds across app instances.
CREATE TABLE throttle_events (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,
    client TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_events_client ON throttle_events(scope, client, at);

-- The browser of each sign-in (new-device alerts compare it), and the user's choice to get them.
ALTER TABLE login_attempts ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN sign_in_alerts BOOLEAN NOT NULL DEFAULT TRUE;
