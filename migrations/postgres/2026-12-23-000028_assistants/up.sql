-- Issue 15, acting on behalf of: an assistant is a clinic's account that works for named
-- practitioners of that clinic.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('practitioner', 'patient', 'clinic_admin', 'assistant'));

-- Whom an assistant works for (practitioners of the assistant's clinic).
CREATE TABLE assistants (
    assistant_id TEXT NOT NULL REFERENCES users(id),
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (assistant_id, practitioner_id)
);
CREATE INDEX assistants_practitioner ON assistants(practitioner_id, assistant_id);

-- A draft an assistant prepared, waiting for the practitioner's signature (their "to sign"
-- list); the row goes when the draft is sent or deleted.
CREATE TABLE drafts_to_sign (
    referral_id TEXT PRIMARY KEY NOT NULL REFERENCES referrals(id),
    principal_id TEXT NOT NULL REFERENCES users(id),
    prepared_by TEXT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX drafts_to_sign_principal ON drafts_to_sign(principal_id, at);

-- Who did a move when it was done on someone's behalf: `actor_id` stays whose move it is
-- (the practitioner), `acted_by` is the assistant ("by Anita Rao for Dr Asha Kulkarni").
ALTER TABLE referral_events ADD COLUMN acted_by TEXT REFERENCES users(id);
