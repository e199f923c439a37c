DROP INDEX referrals_service;
ALTER TABLE referrals DROP COLUMN service_id;
DROP INDEX service_members_user;
DROP TABLE service_members;
DROP INDEX services_clinic;
DROP TABLE services;
