DROP TABLE attachments;
DROP TABLE referral_asks;
