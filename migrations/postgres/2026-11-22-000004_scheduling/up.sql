-- The scheduling portal: a practice's weekly hours and days off, and appointments. One
-- live appointment per practitioner and start time, enforced by the database (a partial
-- unique index), so two patients can never book the same slot.
CREATE TABLE practice_hours (
    id TEXT PRIMARY KEY NOT NULL,
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL
);
CREATE INDEX practice_hours_practitioner ON practice_hours(practitioner_id);

CREATE TABLE practice_days_off (
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    PRIMARY KEY (practitioner_id, day)
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show')),
    referral_id TEXT REFERENCES referrals(id),
    created_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP
);
CREATE UNIQUE INDEX appointments_one_per_slot ON appointments(practitioner_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX appointments_patient ON appointments(patient_id, starts_at);
