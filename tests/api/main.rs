//! The integration suite: one binary, a real server and a fresh database per test.
//! Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
#![expect(
    clippy::unwrap_used,
    reason = "the whole crate is tests: an unwrap that fails is a failing test"
)]

mod access;
mod admin;
mod analytics;
mod assistants;
mod audit;
mod audit_anchor;
mod auth;
mod backup;
mod builders;
mod chart;
mod clinic_rollup;
mod clock;
mod clock_analytics;
mod clock_lists;
mod config;
mod cover;
mod directory;
mod duplicates;
mod external;
mod failure;
mod fhir;
mod fhir_clinic;
mod fhir_hooks;
mod helpers;
mod house;
mod join;
mod keyset;
mod lists;
mod metrics;
mod patient_link;
mod privacy;
mod question_analytics;
mod questions;
mod referrals;
mod replies;
mod schedule;
mod second_factor;
mod security;
mod services;
mod statements;
mod store;
mod typed;
