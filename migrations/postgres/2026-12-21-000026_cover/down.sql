DELETE FROM consents WHERE method IN ('cover', 'service');
ALTER TABLE consents DROP CONSTRAINT consents_method_check;
ALTER TABLE consents ADD CONSTRAINT consents_method_check CHECK (method IN ('verbal', 'in_app', 'link'));
ALTER TABLE referrals DROP COLUMN covering_for;
DROP INDEX away_periods_user;
DROP TABLE away_periods;
