//! The referral's pages and forms, one file per area. The route table names each handler
//! by its file (`referrals::show::show_page`); nothing is re-exported here, so the files
//! import each other (`commands` and `files` show the referral page again) and never this
//! module, which keeps the import graph free of circles.

pub mod commands;
pub mod compose;
pub mod due;
pub mod files;
pub mod lists;
pub mod mail;
pub mod queue;
pub mod search;
pub mod show;
