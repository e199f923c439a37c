DROP TABLE fhir_deliveries;
DROP TABLE fhir_subscriptions;
