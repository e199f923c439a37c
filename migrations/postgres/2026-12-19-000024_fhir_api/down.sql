DROP INDEX referrals_receiver_changed;
DROP INDEX referrals_sender_changed;
DROP TABLE api_clients;
