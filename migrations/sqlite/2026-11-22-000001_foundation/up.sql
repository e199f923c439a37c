-- Foundation: clinics, people, sessions, sign-in throttling, patient charts.
-- Types are kept portable with the PostgreSQL set: TEXT ids (UUIDv7), TIMESTAMP in UTC
-- written by the application clock, BOOLEAN, BIGINT; statuses are TEXT with CHECKs.

CREATE TABLE clinics (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'clinic' CHECK (kind IN ('clinic', 'lab', 'imaging', 'hospital')),
    requires_patient_approval BOOLEAN NOT NULL DEFAULT FALSE,
    show_booking_prompts BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'patient', 'clinic_admin')),
    display_name TEXT NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);
CREATE INDEX users_clinic ON users(clinic_id, role);

CREATE TABLE practitioners (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    title TEXT NOT NULL DEFAULT 'Dr',
    specialty TEXT NOT NULL,
    city TEXT NOT NULL,
    languages TEXT NOT NULL,
    accepting_referrals BOOLEAN NOT NULL DEFAULT TRUE,
    bio TEXT NOT NULL DEFAULT ''
);
CREATE INDEX practitioners_clinic ON practitioners(clinic_id);

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    user_id TEXT UNIQUE REFERENCES users(id),
    mrn TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (clinic_id, mrn)
);
CREATE INDEX patients_dob ON patients(date_of_birth);

CREATE TABLE care_relationships (
    patient_id TEXT NOT NULL REFERENCES patients(id),
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    since TIMESTAMP NOT NULL,
    PRIMARY KEY (patient_id, practitioner_id)
);
CREATE INDEX care_by_practitioner ON care_relationships(practitioner_id, patient_id);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    description TEXT NOT NULL,
    onset TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX complaints_patient ON complaints(patient_id, recorded_at);

CREATE TABLE vitals (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    taken_at TIMESTAMP NOT NULL,
    systolic BIGINT,
    diastolic BIGINT,
    heart_rate BIGINT,
    temperature_dc BIGINT,
    spo2 BIGINT,
    weight_dag BIGINT,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX vitals_patient ON vitals(patient_id, taken_at);

CREATE TABLE medications (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    name TEXT NOT NULL,
    dose TEXT NOT NULL,
    frequency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current', 'draft', 'stopped')),
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX medications_patient ON medications(patient_id, recorded_at);

CREATE TABLE allergies (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    substance TEXT NOT NULL,
    reaction TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX allergies_patient ON allergies(patient_id);

CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    practitioner_id TEXT NOT NULL REFERENCES users(id),
    visited_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    notes TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX visits_patient ON visits(patient_id, visited_on);

CREATE TABLE chart_files (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    kind TEXT NOT NULL CHECK (kind IN ('lab', 'imaging')),
    title TEXT NOT NULL,
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX chart_files_patient ON chart_files(patient_id, uploaded_at);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT REFERENCES users(id),
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_last_seen ON sessions(last_seen_at);

CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'locked')),
    ip TEXT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, attempted_at);
