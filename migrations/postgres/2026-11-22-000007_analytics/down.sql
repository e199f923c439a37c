DROP INDEX referrals_sender_open;
DROP INDEX referrals_clinic_open;
DROP TABLE referral_stats;
