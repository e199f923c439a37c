-- Issue 15, services: a clinic's service ("Cardiology, Northgate Specialist Group") is a
-- receiver like a practitioner. Its `id` is a users row of role 'practitioner' that nobody
-- signs in as (the password hash is no hash, as for doctors outside the network) with a
-- practitioners row, so the directory finds it by its specialty words and a referral names
-- it as its receiver until a member claims it. Its members (practitioners of the clinic)
-- see that queue; the coordinator may also assign and forward.
CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    description TEXT NOT NULL,
    coordinator_id TEXT REFERENCES users(id),
    min_age BIGINT,
    max_age BIGINT,
    sex TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX services_clinic ON services(clinic_id);
CREATE TABLE service_members (
    service_id TEXT NOT NULL REFERENCES services(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (service_id, user_id)
);
-- "Which services am I in": one index range per practitioner.
CREATE INDEX service_members_user ON service_members(user_id, service_id);
-- The service a referral was addressed to (kept once a member has it), for the service's
-- figures: one index range per service and period.
ALTER TABLE referrals ADD COLUMN service_id TEXT;
CREATE INDEX referrals_service ON referrals(service_id, submitted_at) WHERE service_id IS NOT NULL;
