//! Each lifecycle command's form: the fields it posts, their limits and defaults, and what
//! the transition writes besides the status. A service asks [`validate`] once the machine
//! has accepted the command, and writes what it answers; no rule of a command's fields
//! lives anywhere else.

use super::kind::{REJECT_REASONS, reject_reason_label};
use super::machine::Command;
use super::status::Status;
use crate::domain::forms::{FieldErrors, has_control_chars, optional_text, required_text};

/// The fields a command form may carry, as posted. Missing fields read as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandForm {
    pub version: String,
    pub note: String,
    pub code: String,
    pub summary: String,
    pub advice: String,
    /// The sender attests the patient's verbal consent (a ticked box).
    pub consent_verbal: bool,
    /// Answers to the current round's asks: (ask id, text), from `answer_<id>` fields.
    pub answers: Vec<(String, String)>,
    /// "next" when the receiver asked to open the next referral after accepting.
    pub then: String,
    /// The specialist's answer recommends a referral to them (a ticked box).
    pub recommend: bool,
    /// Where a converted question's referral starts: "accepted" or "visit_required".
    pub start: String,
}

impl CommandForm {
    /// Reads a posted form's name/value pairs (each read once); unknown names are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> CommandForm {
        let mut f = CommandForm::default();
        for (k, v) in pairs {
            match k {
                "version" => f.version = v.to_string(),
                "note" => f.note = v.to_string(),
                "code" => f.code = v.to_string(),
                "summary" => f.summary = v.to_string(),
                "advice" => f.advice = v.to_string(),
                "consent_verbal" => f.consent_verbal = true,
                "then" => f.then = v.to_string(),
                "recommend" => f.recommend = true,
                "start" => f.start = v.to_string(),
                _ => {
                    if let Some(id) = k.strip_prefix("answer_") {
                        f.answers.push((id.to_string(), v.to_string()));
                    }
                }
            }
        }
        f
    }

    /// The referral version the form was rendered with, if it carries a readable one.
    pub fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }
}

/// An ask of the round being answered, as the sender's answer form needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAsk {
    pub id: String,
    pub text: String,
    /// A file is already attached to this ask.
    pub has_file: bool,
}

/// What a validated command writes besides the new status and version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    /// The timeline note.
    pub note: String,
    pub sets_submitted: bool,
    pub sets_accepted: bool,
    pub sets_completed: bool,
    /// First time the receiver is handed the referral: `received_at` is set once.
    pub sets_received: bool,
    pub decline_reason: Option<String>,
    /// (code, note to the referrer).
    pub reject: Option<(String, String)>,
    pub cancel_reason: Option<String>,
    /// (summary, advice).
    pub outcome: Option<(String, String)>,
    /// New asks, one a line, for a request for information.
    pub asks: Vec<String>,
    /// Answers to record: (ask id, text).
    pub answers: Vec<(String, String)>,
    /// Advice alone (an answered question, a returned referral), without a summary.
    pub advice: Option<String>,
    /// The answer recommends a referral to the specialist.
    pub recommends: bool,
    /// Where the referral a question is turned into starts.
    pub convert_to: Option<Status>,
}

/// The note of an accept that the receiver left empty; the patient's card omits it.
pub const DEFAULT_ACCEPT_NOTE: &str = "Accepted";

/// Longest single ask, in characters; longer lines are cut.
pub const ASK_MAX_CHARS: usize = 500;

/// Validates the command's own fields for a transition the machine accepted (`to`).
/// `received_before`: the receiver was handed the referral earlier. `asks`: the round of
/// asks being answered (only for provide-info).
pub fn validate(
    command: Command,
    to: Status,
    received_before: bool,
    form: &CommandForm,
    asks: &[OpenAsk],
) -> Result<Step, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut s = Step {
        sets_received: to == Status::Sent && !received_before,
        ..Step::default()
    };
    match command {
        Command::Submit => {
            s.note = if to == Status::AwaitingPatient {
                "Sent to the patient for approval".into()
            } else {
                "Sent".into()
            };
            s.sets_submitted = true;
        }
        Command::Approve => s.note = "The patient approved sharing".into(),
        Command::Decline => {
            let reason = optional_text(&mut e, "note", "Reason", &form.note, 2000);
            s.note = if reason.is_empty() {
                "The patient declined".into()
            } else {
                format!("The patient declined: {reason}")
            };
            s.decline_reason = Some(reason);
        }
        Command::RequestInfo => {
            s.note = required_text(&mut e, "note", "What you need", &form.note, 4000);
            s.asks = s
                .note
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.chars().take(ASK_MAX_CHARS).collect())
                .collect();
        }
        Command::ProvideInfo => {
            let general = optional_text(&mut e, "note", "Note", &form.note, 8000);
            for a in asks {
                let text = form
                    .answers
                    .iter()
                    .find(|(id, _)| *id == a.id)
                    .map_or("", |(_, t)| t.trim());
                if has_control_chars(text) || text.chars().count() > 8000 {
                    e.add(
                        "answers",
                        "An answer is too long or contains characters that cannot be stored.",
                    );
                }
                if text.is_empty() && !a.has_file {
                    e.add(
                        "answers",
                        format!(
                            "Answer every item, with a note or a file: “{}” has neither.",
                            a.text
                        ),
                    );
                    continue;
                }
                let answer = if text.is_empty() {
                    "(see the attached files)".to_string()
                } else {
                    text.to_string()
                };
                s.answers.push((a.id.clone(), answer));
            }
            if asks.is_empty() && general.is_empty() {
                e.add("note", "Your answer is required.");
            }
            let answered = s.answers.len();
            s.note = if asks.is_empty() {
                general
            } else if general.is_empty() {
                format!("Answered {answered} of {} items", asks.len())
            } else {
                format!("Answered {answered} of {} items: {general}", asks.len())
            };
        }
        Command::RequireVisit => {
            let n = optional_text(&mut e, "note", "Note", &form.note, 2000);
            s.note = if n.is_empty() {
                "Wants to see the patient before deciding".into()
            } else {
                n
            };
        }
        Command::Accept => {
            let n = optional_text(&mut e, "note", "Note", &form.note, 2000);
            s.note = if n.is_empty() {
                DEFAULT_ACCEPT_NOTE.into()
            } else {
                n
            };
            s.sets_accepted = true;
        }
        Command::Reject => {
            if !REJECT_REASONS.iter().any(|(k, _)| *k == form.code) {
                e.add("code", "Choose a reason.");
            }
            let n = required_text(&mut e, "note", "Note to the referrer", &form.note, 2000);
            s.note = format!("{}: {n}", reject_reason_label(&form.code));
            s.reject = Some((form.code.clone(), n));
        }
        Command::Complete => {
            let sum = required_text(&mut e, "summary", "Outcome summary", &form.summary, 8000);
            let adv = required_text(&mut e, "advice", "Advice", &form.advice, 8000);
            // The outcome itself is on the referral; the timeline, which the patient also
            // reads, only says that it was completed.
            s.note = "Completed with an outcome summary and advice".into();
            s.outcome = Some((sum, adv));
            s.sets_completed = true;
        }
        Command::Cancel => {
            let n = required_text(&mut e, "note", "Reason for cancelling", &form.note, 2000);
            s.note = format!("Cancelled: {n}");
            s.cancel_reason = Some(n);
        }
        Command::Answer => {
            let adv = required_text(&mut e, "advice", "Advice", &form.advice, 8000);
            s.recommends = form.recommend;
            s.note = if form.recommend {
                "Answered with advice, recommending a referral".into()
            } else {
                "Answered with advice".into()
            };
            s.advice = Some(adv);
            s.sets_completed = true;
        }
        Command::Convert => {
            s.convert_to = match form.start.as_str() {
                "accepted" => Some(Status::Accepted),
                "visit_required" => Some(Status::VisitRequired),
                _ => {
                    e.add(
                        "start",
                        "Choose whether you accept the patient or want to see them first.",
                    );
                    None
                }
            };
            let n = optional_text(&mut e, "note", "Note", &form.note, 2000);
            s.note = if n.is_empty() {
                "Turned into a referral".into()
            } else {
                format!("Turned into a referral: {n}")
            };
            s.sets_completed = true;
        }
        Command::Return => {
            let adv = required_text(
                &mut e,
                "advice",
                "Advice for the referrer",
                &form.advice,
                8000,
            );
            s.note = "Returned to the referrer with advice".into();
            s.advice = Some(adv);
        }
        Command::Redirect => {
            e.add(
                "redirect",
                "Redirect by choosing a new recipient from the directory.",
            );
        }
    }
    e.into_result(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> CommandForm {
        CommandForm::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn a_posted_form_is_read_once_into_its_fields() {
        let f = form(&[
            ("csrf_token", "x"),
            ("version", " 7 "),
            ("note", "n"),
            ("consent_verbal", "on"),
            ("answer_a1", "ECG attached"),
            ("then", "next"),
        ]);
        assert_eq!(f.version(), Some(7));
        assert!(f.consent_verbal);
        assert_eq!(
            f.answers,
            vec![("a1".to_string(), "ECG attached".to_string())]
        );
        assert_eq!(f.then, "next");
        assert_eq!(form(&[("version", "seven")]).version(), None);
    }

    #[test]
    fn reject_needs_a_known_reason_and_a_note() {
        let e = validate(
            Command::Reject,
            Status::Rejected,
            true,
            &form(&[("code", "bogus")]),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.get("code"), Some("Choose a reason."));
        assert!(e.get("note").is_some());
        let s = validate(
            Command::Reject,
            Status::Rejected,
            true,
            &form(&[("code", "no_capacity"), ("note", "Full until May")]),
            &[],
        )
        .unwrap();
        assert_eq!(s.note, "No capacity: Full until May");
        assert_eq!(
            s.reject,
            Some(("no_capacity".into(), "Full until May".into()))
        );
    }

    #[test]
    fn an_answer_and_a_return_need_their_advice_and_a_conversion_its_start() {
        let e = validate(Command::Answer, Status::Answered, true, &form(&[]), &[]).unwrap_err();
        assert!(e.get("advice").is_some());
        let s = validate(
            Command::Answer,
            Status::Answered,
            true,
            &form(&[("advice", "Start a statin"), ("recommend", "on")]),
            &[],
        )
        .unwrap();
        assert_eq!(s.advice.as_deref(), Some("Start a statin"));
        assert!(s.recommends && s.sets_completed);
        let e = validate(Command::Return, Status::Returned, true, &form(&[]), &[]).unwrap_err();
        assert!(e.get("advice").is_some());
        let e = validate(
            Command::Convert,
            Status::Converted,
            true,
            &form(&[("start", "completed")]),
            &[],
        )
        .unwrap_err();
        assert!(e.get("start").is_some());
        let s = validate(
            Command::Convert,
            Status::Converted,
            true,
            &form(&[("start", "visit_required")]),
            &[],
        )
        .unwrap();
        assert_eq!(s.convert_to, Some(Status::VisitRequired));
    }

    #[test]
    fn defaults_fill_empty_optional_notes() {
        let s = validate(Command::Accept, Status::Accepted, true, &form(&[]), &[]).unwrap();
        assert_eq!(s.note, DEFAULT_ACCEPT_NOTE);
        assert!(s.sets_accepted && !s.sets_received);
        let s = validate(
            Command::Decline,
            Status::DeclinedByPatient,
            false,
            &form(&[]),
            &[],
        )
        .unwrap();
        assert_eq!(s.note, "The patient declined");
        assert_eq!(s.decline_reason, Some(String::new()));
    }

    #[test]
    fn received_is_set_the_first_time_only() {
        let first = validate(Command::Submit, Status::Sent, false, &form(&[]), &[]).unwrap();
        assert!(first.sets_received && first.sets_submitted);
        let again = validate(
            Command::ProvideInfo,
            Status::Sent,
            true,
            &form(&[("note", "x")]),
            &[],
        )
        .unwrap();
        assert!(!again.sets_received);
        let to_patient = validate(
            Command::Submit,
            Status::AwaitingPatient,
            false,
            &form(&[]),
            &[],
        )
        .unwrap();
        assert!(!to_patient.sets_received);
        assert_eq!(to_patient.note, "Sent to the patient for approval");
    }

    #[test]
    fn each_line_of_a_request_is_one_ask() {
        let long = "x".repeat(600);
        let note = format!("Prior ECG\n\n  BP trend over 30 days \n{long}");
        let s = validate(
            Command::RequestInfo,
            Status::NeedInfo,
            true,
            &form(&[("note", &note)]),
            &[],
        )
        .unwrap();
        assert_eq!(s.asks.len(), 3);
        assert_eq!(s.asks[1], "BP trend over 30 days");
        assert_eq!(s.asks[2].chars().count(), ASK_MAX_CHARS);
    }

    #[test]
    fn every_ask_needs_a_note_or_a_file() {
        let asks = vec![
            OpenAsk {
                id: "a".into(),
                text: "Prior ECG".into(),
                has_file: true,
            },
            OpenAsk {
                id: "b".into(),
                text: "BP trend".into(),
                has_file: false,
            },
        ];
        let e = validate(Command::ProvideInfo, Status::Sent, true, &form(&[]), &asks).unwrap_err();
        assert!(e.get("answers").unwrap().contains("BP trend"));
        let s = validate(
            Command::ProvideInfo,
            Status::Sent,
            true,
            &form(&[("answer_b", "130/85 average"), ("note", "Thanks")]),
            &asks,
        )
        .unwrap();
        assert_eq!(
            s.answers,
            vec![
                ("a".to_string(), "(see the attached files)".to_string()),
                ("b".to_string(), "130/85 average".to_string())
            ]
        );
        assert_eq!(s.note, "Answered 2 of 2 items: Thanks");
        let e = validate(Command::ProvideInfo, Status::Sent, true, &form(&[]), &[]).unwrap_err();
        assert_eq!(e.get("note"), Some("Your answer is required."));
    }

    #[test]
    fn complete_needs_summary_and_advice_and_keeps_them_off_the_timeline() {
        let e = validate(Command::Complete, Status::Completed, true, &form(&[]), &[]).unwrap_err();
        assert!(e.get("summary").is_some() && e.get("advice").is_some());
        let s = validate(
            Command::Complete,
            Status::Completed,
            true,
            &form(&[("summary", "Stable angina"), ("advice", "Start aspirin")]),
            &[],
        )
        .unwrap();
        assert!(!s.note.contains("angina"));
        assert!(s.sets_completed);
    }

    #[test]
    fn cancel_needs_a_reason_and_redirect_is_not_a_form() {
        assert!(validate(Command::Cancel, Status::Cancelled, true, &form(&[]), &[]).is_err());
        let s = validate(
            Command::Cancel,
            Status::Cancelled,
            true,
            &form(&[("note", "Moved")]),
            &[],
        )
        .unwrap();
        assert_eq!(s.note, "Cancelled: Moved");
        assert!(validate(Command::Redirect, Status::Rejected, true, &form(&[]), &[]).is_err());
    }
}
