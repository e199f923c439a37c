//! Handoff: structured clinical referrals between clinics.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod logging;
pub mod services;
pub mod startup;
pub mod web;
