ALTER TABLE referral_events DROP COLUMN acted_by;
DROP INDEX drafts_to_sign_principal;
DROP TABLE drafts_to_sign;
DROP INDEX assistants_practitioner;
DROP TABLE assistants;
DELETE FROM users WHERE role = 'assistant';
