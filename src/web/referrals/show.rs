//! The referral page, as each party sees it; the forms on it post to `commands` and
//! `files`, which show it again when their input is refused.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::asks::Attachment;
use crate::domain::referral::offers::{Offer, Upload};
use crate::domain::referral::{self, Party, Status};
use crate::domain::schedule::VisitStatus;
use crate::error::AppResult;
use crate::i18n::Arg;
use crate::services::referrals::{self as svc, ReferralView};
use crate::web::command_forms::CommandForms;
use crate::web::extract::{Ctx, Layout};
use crate::web::forms::FormState;
use crate::web::html_status;
use crate::web::referrals::due::{DueText, due_text, patient_ask};

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    l: Layout,
    v: ReferralView,
    f: FormState,
    cmd: CommandForms,
    patient_status: String,
    /// When the current turn is due, in words (practitioners).
    due: Option<DueText>,
    /// What the patient is asked to do by which day (the patient, on their turn).
    ask: Option<(&'static str, chrono::NaiveDate)>,
}

impl ShowPage {
    fn offered(&self, o: Offer) -> bool {
        self.v.offers.has(&o)
    }
    /// The sender may send (sign) the draft themselves.
    fn may_sign(&self) -> bool {
        self.v.offers.command(referral::Command::Submit)
    }
    /// "Book another time" beside a missed visit.
    fn book_again_after(&self, a: &crate::db::schedule::Appointment) -> bool {
        a.status == VisitStatus::NoShow && self.offered(Offer::BookAgain)
    }
    fn is_sender(&self) -> bool {
        self.v.party == Party::Sender
    }
    /// The doctors read the patient's other referrals of the year (never the patient).
    fn shows_history(&self) -> bool {
        self.v.history_open
    }
    fn is_receiver(&self) -> bool {
        self.v.party == Party::Receiver
    }
    fn is_patient(&self) -> bool {
        self.v.party == Party::Patient
    }
    fn turn(&self) -> &'static str {
        self.v
            .status
            .turn()
            .map_or("nobody: this referral is closed", Party::label)
    }
    fn files_for(&self, ask_id: &str) -> Vec<&Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.ask_id.as_deref() == Some(ask_id))
            .collect()
    }
    fn reply_files(&self) -> Vec<&Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.purpose == Upload::Reply)
            .collect()
    }
    fn outcome_files(&self) -> Vec<&Attachment> {
        self.v
            .attachments
            .iter()
            .filter(|a| a.purpose == Upload::Report)
            .collect()
    }
    fn is_rejected(&self) -> bool {
        self.v.status == Status::Rejected
    }
    fn is_returned(&self) -> bool {
        self.v.status == Status::Returned
    }
    /// The advice of an answered question or a returned referral, as this viewer may read
    /// it (the service blanks it for a patient who may not).
    fn advice(&self) -> Option<&str> {
        matches!(self.v.status, Status::Answered | Status::Returned)
            .then_some(self.v.referral.outcome_advice.as_deref())
            .flatten()
    }
    /// A patient whose doctor asked a doctor-only question: the answer is with the doctor.
    fn advice_withheld(&self) -> bool {
        self.is_patient() && self.v.status == Status::Answered && self.advice().is_none()
    }
    fn recommends(&self) -> bool {
        self.v.question.as_ref().is_some_and(|q| q.recommends)
    }
    /// The link between a question and the referral it became, as (href, message).
    fn link(&self) -> Option<(String, &'static str)> {
        if let Some(q) = &self.v.from_question {
            return Some((format!("/referrals/{q}"), "ref-from-question"));
        }
        let q = self.v.question.as_ref()?;
        let made = q.made_referral_id.as_ref()?;
        let key = if q.made_how.as_deref() == Some("converted") {
            "ref-made-converted"
        } else if self.is_sender() {
            // The sender's own referral (perhaps still a draft): nobody else opens it from
            // here, and the words are theirs.
            "ref-made-recommended"
        } else {
            return None;
        };
        Some((format!("/referrals/{made}"), key))
    }
    /// The status as practitioners read it: a question is "asked", not "sent".
    fn status_text(&self) -> String {
        if self.v.referral.kind.is_question() && self.v.status == Status::Sent {
            self.l.t("status-asked")
        } else {
            self.l.tk("status", self.v.status)
        }
    }
    fn reject_label(&self) -> &'static str {
        referral::reject_reason_label(self.v.referral.reject_code.as_deref().unwrap_or("other"))
    }
}

pub(super) async fn render_show(
    ctx: &Ctx,
    v: ReferralView,
    f: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    // A returned referral reads "in review" to the patient until their doctor sends them
    // the advice.
    let label = referral::patient_label_booking(
        v.referral.kind,
        v.status,
        v.advice_shared,
        v.receiver_books,
    );
    let patient_status = ctx.lang.t_with(
        label,
        &[(
            "receiver",
            Arg::Text(v.receiver.display_name.as_str().into()),
        )],
    );
    let title = format!(
        "Referral: {} {}",
        v.patient.given_name, v.patient.family_name
    );
    let nav = if v.party == Party::Patient {
        "referrals"
    } else if v.party == Party::Receiver {
        "inbox"
    } else {
        "sent-list"
    };
    let (due, ask) = due_and_ask(ctx.lang, &v);
    html_status(
        status,
        &ShowPage {
            due,
            ask,
            l: ctx.layout(title, nav).await,
            cmd: CommandForms::new(&v, format!("/referrals/{}", v.referral.id), false),
            v,
            f,
            patient_status,
        },
    )
}

/// The due time as this viewer reads it: in words for a practitioner; for the patient only
/// what they are asked to do, on their own turn.
pub(crate) fn due_and_ask(
    lang: crate::i18n::Lang,
    v: &ReferralView,
) -> (Option<DueText>, Option<(&'static str, chrono::NaiveDate)>) {
    if v.party == Party::Patient {
        let booked = v.visits.iter().any(|a| a.status == VisitStatus::Booked);
        (
            None,
            patient_ask(v.status, v.due_at, (booked, v.receiver_books), v.due_zone),
        )
    } else {
        (due_text(lang, v.now, v.due_at), None)
    }
}

pub async fn show_page(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let v = ctx.run(move |s, caller| svc::view(s, caller, &id)).await?;
    // A drafted outcome fills the complete form until it is sent.
    let f = match &v.outcome_draft {
        Some((summary, advice)) if v.offers.has(&Offer::DraftOutcome) => FormState::new(
            "complete",
            [
                ("summary".to_string(), summary.clone()),
                ("advice".to_string(), advice.clone()),
            ]
            .into(),
            Default::default(),
        ),
        _ => FormState::default(),
    };
    render_show(&ctx, v, f, StatusCode::OK).await
}
