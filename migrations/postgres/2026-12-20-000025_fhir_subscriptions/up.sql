-- FHIR R4 Subscriptions (rest-hook) of API clients: which Tasks (criteria, a Task search),
-- where to (endpoint, extra headers), and how far the changes were read (a keyset cursor on
-- referrals' last change, so each change is seen once).
CREATE TABLE fhir_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES api_clients(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    criteria TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    headers TEXT NOT NULL,
    with_payload BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    cursor_at TIMESTAMP NOT NULL,
    cursor_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX fhir_subscriptions_client ON fhir_subscriptions(client_id, created_at);
CREATE INDEX fhir_subscriptions_status ON fhir_subscriptions(status);

-- One delivery per subscription, referral and version (at least once: retried until the
-- endpoint answers 2xx; the version lets the receiver drop a repeat).
CREATE TABLE fhir_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES fhir_subscriptions(id),
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (subscription_id, referral_id, version)
);
CREATE INDEX fhir_deliveries_due ON fhir_deliveries(status, next_attempt_at);
