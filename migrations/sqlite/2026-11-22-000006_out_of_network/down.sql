DROP TABLE outbox;
DROP TABLE external_links;
ALTER TABLE users DROP COLUMN email_notifications;
