DROP TRIGGER open_loop_days_change ON referrals;
DROP FUNCTION open_loop_days_change();
DROP TABLE open_loop_days;
