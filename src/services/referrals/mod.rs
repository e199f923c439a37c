//! Referrals: finding a specialist, composing, the consent gate, every lifecycle command as
//! a compare-and-set, files, and what each party may see.
//!
//! - `access`: the referral loaded once with its patient and consents, the party, the
//!   timeline row and the errors of a refused or lost transition (imports no sibling).
//! - `search`: the directory and the patient being referred.
//! - `compose`: the composer and saving drafts (and the redirect of a declined referral).
//! - `duplicates`: the patient's 12-month history and the guard against repeating an open
//!   referral (a repeat needs a reason).
//! - `lifecycle`: every command of the state machine, and "what to bring".
//! - `attachments`: files answering asks and reports (an order completes with its report).
//! - `prefill`: the composer's snapshot sections from the chart.
//! - `questions`: advice questions beyond the machine: converting one into a referral,
//!   sending the referral an answer recommended, passing a returned referral's advice on.
//! - `recommended`: the referral an answered question recommended, sent in one click.
//! - `outside`: the account of a doctor outside the network a draft is addressed to.
//! - `read`: the referral page as each party sees it.
//! - `lists`: the inbox, the sent list, the patient's and the chart's lists, with due times.
//! - `queue`: a service's shared queue (claim, assign, forward).
//! - `cover`: absences, the send of a referral to an away receiver going to their cover,
//!   and handing open referrals over.

pub mod access;
pub mod attachments;
pub mod compose;
pub mod cover;
pub mod duplicates;
pub mod lifecycle;
pub mod lists;
pub mod outside;
mod prefill;
pub mod questions;
pub mod queue;
pub mod read;
pub mod recommended;
pub mod search;

pub use access::party_of;
pub use attachments::{NewAttachment, attach, attachment};
pub use compose::{
    ComposerData, ComposerSection, DraftInput, ReceiverCard, composer, composer_for_draft,
    save_draft,
};
pub use duplicates::HistoryEntry;
pub use lifecycle::{CommandInput, apply, save_outcome_draft, set_what_to_bring};
pub use lists::{
    DueCounts, DueRow, InboxPage, PatientRow, SentPage, StatusCounts, for_chart, for_patient,
    inbox, next_waiting, sent,
};
pub use read::{ReferralView, TimelineEntry, view};
pub use search::{DIRECTORY_PAGE, DirectoryPage, patient_to_refer, search_directory};
