DROP TABLE practitioner_stats;
