DROP TABLE outbox;
DROP TABLE external_links;
DROP TABLE external_doctors;
ALTER TABLE users DROP COLUMN email_notifications;
