DROP INDEX referrals_redirected;
