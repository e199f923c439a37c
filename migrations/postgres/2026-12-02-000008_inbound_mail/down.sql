DROP TABLE held_replies;
DROP TABLE inbound_mail;
ALTER TABLE outbox DROP COLUMN failure;
