DROP TRIGGER due_days_change ON referrals;
DROP FUNCTION due_days_change();
DROP TABLE due_days;
