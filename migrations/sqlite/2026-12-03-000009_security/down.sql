ALTER TABLE users DROP COLUMN sign_in_alerts;
ALTER TABLE login_attempts DROP COLUMN user_agent;
DROP TABLE throttle_events;
DROP TABLE clinic_security;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
