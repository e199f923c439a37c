//! What the lifecycle command forms (templates/referrals/commands.html) need, for the
//! referral page and an outside doctor's link page alike.

use super::forms::FormState;
use crate::domain::referral::offers::{Offer, Offers};
use crate::domain::referral::{Command, REJECT_REASONS};
use crate::services::referrals::ReferralView;

/// The choices of the conversion form: the values `form::validate` reads for `start`.
const CONVERT_STARTS: [(&str, &str); 2] = [
    ("accepted", "cmd-convert-accept"),
    ("visit_required", "cmd-convert-visit"),
];

/// The command forms of one referral page.
pub struct CommandForms {
    /// Where the forms post: `/referrals/{id}` or `/l/{token}`.
    pub base: String,
    pub heading: &'static str,
    pub offers: Offers,
    pub version: i64,
    pub approval_required: bool,
    pub receiver_name: String,
    /// The outside doctor's page (no patient-facing wording, no "open next").
    pub outside: bool,
    /// The receiver may save the outcome as a draft.
    pub drafts_outcome: bool,
    pub is_order: bool,
    /// The asks of the round being answered: (id, text).
    pub asks: Vec<(String, String)>,
    pub reasons: &'static [(&'static str, &'static str)],
    /// Where a converted question's referral may start: (form value, message), the first
    /// checked by default.
    pub convert_starts: &'static [(&'static str, &'static str)],
}

impl CommandForms {
    /// The forms for the viewer of `v`, posting under `base`.
    pub fn new(v: &ReferralView, base: String, outside: bool) -> CommandForms {
        let round = v.asks.iter().map(|a| a.round).max().unwrap_or(0);
        CommandForms {
            base,
            heading: match (outside, v.party) {
                (true, _) => "Your answer",
                (false, crate::domain::referral::Party::Patient) => "Your decision",
                (false, _) => "What you can do now",
            },
            offers: v.offers.clone(),
            version: v.referral.version,
            approval_required: v.approval_required,
            receiver_name: v.receiver.display_name.clone(),
            outside,
            drafts_outcome: v
                .offers
                .has(&crate::domain::referral::offers::Offer::DraftOutcome),
            is_order: v.referral.kind.is_order(),
            asks: v
                .asks
                .iter()
                .filter(|a| a.round == round)
                .map(|a| (a.id.clone(), a.text.clone()))
                .collect(),
            reasons: &REJECT_REASONS,
            convert_starts: &CONVERT_STARTS,
        }
    }

    /// Whether the command named `c` (its URL segment) is offered.
    pub fn can(&self, c: &str) -> bool {
        Command::parse(c).is_some_and(|c| self.offers.command(c))
    }

    pub fn edit_draft(&self) -> bool {
        self.offers.has(&Offer::EditDraft)
    }

    pub fn attach_answers(&self) -> bool {
        self.offers.has(&Offer::AttachAnswers)
    }

    pub fn attach_report(&self) -> bool {
        self.offers.has(&Offer::AttachReport)
    }

    /// The answer typed for an ask, kept when the form comes back with an error.
    pub fn answer<'a>(&self, f: &'a FormState, ask_id: &str) -> &'a str {
        f.val("provide_info", &format!("answer_{ask_id}"))
    }
}
