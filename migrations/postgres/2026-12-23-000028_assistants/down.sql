ALTER TABLE referral_events DROP COLUMN acted_by;
DROP INDEX drafts_to_sign_principal;
DROP TABLE drafts_to_sign;
DROP INDEX assistants_practitioner;
DROP TABLE assistants;
DELETE FROM users WHERE role = 'assistant';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('practitioner', 'patient', 'clinic_admin'));
