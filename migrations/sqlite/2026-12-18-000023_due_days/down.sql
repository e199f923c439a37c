DROP TRIGGER due_days_delete;
DROP TRIGGER due_days_update;
DROP TRIGGER due_days_insert;
DROP TABLE due_days;
