ALTER TABLE outbox DROP COLUMN invitation_id;
DROP TABLE practitioner_invitations;
DROP INDEX external_doctors_email;
UPDATE users SET email = (SELECT d.email FROM external_doctors d WHERE d.user_id = users.id)
    WHERE id IN (SELECT user_id FROM external_doctors);
ALTER TABLE external_doctors DROP COLUMN email;
