//! Use cases, one function per command. Each runs synchronously on a pooled connection
//! (handlers call them inside `web::block`): transaction -> load -> decide (domain) ->
//! persist -> audit.

pub mod accounts;
pub mod analytics;
pub mod analytics_clock;
pub mod analytics_export;
pub mod analytics_questions;
pub mod analytics_services;
pub mod api_clients;
pub mod assistants;
pub mod audit_anchor;
pub mod audit_log;
pub mod backup;
pub mod bounce;
pub mod care_team;
pub mod clinics;
pub mod clock;
mod context;
pub mod delivery;
pub mod demo_history;
pub mod directory;
pub mod due;
pub mod external;
pub mod fhir;
pub mod fhir_hooks;
pub mod fhir_search;
pub mod fhir_write;
pub mod files_sweep;
mod free_slots;
pub mod generate;
pub mod health;
pub mod inbound;
pub mod invitations;
pub mod jobs;
pub mod letter;
pub mod mail;
pub mod metrics;
pub mod my_visits;
mod outgoing;
pub mod patient_link;
pub mod patients;
pub mod practice_booking;
pub mod referrals;
pub mod responsiveness;
pub mod schedule;
pub mod second_factor;
pub mod seed;
pub mod sessions;
pub mod store;
pub mod teams;
pub mod threads;
pub mod throttle;
pub mod visit_mail;
pub mod visit_times;

pub use context::{
    AnchorConfig, AuditEntry, AuditReceipt, Caller, MailConfig, Services, ViewJob, audit,
    audit_for_clinic, audits_committed, spawn_view_auditor, with_deferred_audits,
};
