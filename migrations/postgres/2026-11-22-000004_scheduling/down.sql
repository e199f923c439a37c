DROP TABLE appointments;
DROP TABLE practice_days_off;
DROP TABLE practice_hours;
