DROP TRIGGER open_loop_days_delete;
DROP TRIGGER open_loop_days_update;
DROP TRIGGER open_loop_days_insert;
DROP TABLE open_loop_days;
