ALTER TABLE practitioners DROP COLUMN languages_key;
ALTER TABLE practitioners DROP COLUMN city_key;
