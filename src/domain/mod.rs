//! Pure types and rules: no diesel, no actix, no clock, no I/O. Everything here is unit-tested
//! in place; services feed it facts they loaded and the current time they were given.

pub mod analytics;
pub mod assistant;
pub mod audit;
pub mod audit_anchor;
pub mod calendar;
pub mod chart;
pub mod clock;
pub mod cover;
pub mod csv;
pub mod cursor;
pub mod due;
pub mod fhir;
pub mod files;
pub mod forms;
pub mod inbound;
pub mod mail;
pub mod membership;
pub mod patient_link;
pub mod people;
pub mod policy;
pub mod referral;
pub mod reply;
pub mod schedule;
pub mod second_factor;
pub mod security;
pub mod service;
pub mod snapshot;
