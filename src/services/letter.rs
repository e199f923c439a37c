//! The referral letter as PDF, typeset in-process with typst (fonts embedded in the binary:
//! nothing is fetched at build or run time). The letter carries only what the receiver may
//! see: the sections the patient's live consent covers.

use std::sync::OnceLock;

use serde::Serialize;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

use sha2::{Digest, Sha256};

use super::Services;
use super::store::Store;
use crate::db::{self, DbConn, referrals::Referral};
use crate::domain::referral::PRIORITIES;
use crate::domain::snapshot::Snapshot;
use crate::error::{AppError, AppResult};

const TEMPLATE: &str = include_str!("../../templates/letter/referral.typ");

fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            // Only the fonts compiled into the binary: the letter looks the same on every
            // machine and start-up does not scan the system.
            .search_fonts_with(
                TypstKitFontOptions::default()
                    .include_system_fonts(false)
                    .include_embedded_fonts(true),
            )
            .build()
    })
}

#[derive(Serialize)]
struct Party {
    name: String,
    specialty: String,
    practice: String,
    title: String,
    email: String,
}

#[derive(Serialize)]
struct Clinic {
    name: String,
    city: String,
}

#[derive(Serialize)]
struct PatientId {
    name: String,
    dob: String,
    sex: String,
    mrn: String,
}

#[derive(Serialize)]
struct LetterSection {
    title: String,
    text: String,
    columns: Vec<&'static str>,
    rows: Vec<[String; 2]>,
}

/// Everything the template prints.
#[derive(Serialize)]
struct LetterData {
    /// "Referral letter", or "Advice question" for a question.
    heading: String,
    /// The heading of the reason: "Reason for referral", or "Question".
    reason_heading: String,
    date: String,
    clinic: Clinic,
    sender: Party,
    receiver: Party,
    patient: PatientId,
    priority: String,
    see_by: String,
    reason: String,
    message: String,
    hidden: String,
    sections: Vec<LetterSection>,
    files: Vec<String>,
    link: String,
    link_expires: String,
    reply_to: String,
}

/// Vitals and medications print as two-column tables; other sections as wrapped text.
fn section(key: &str, title: &str, text: &str) -> LetterSection {
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (columns, rows): (Vec<&'static str>, Vec<[String; 2]>) = match key {
        "vitals" => (
            vec!["Date", "Readings"],
            lines
                .map(|l| match l.split_once(": ") {
                    Some((d, r)) => [d.to_string(), r.to_string()],
                    None => [String::new(), l.to_string()],
                })
                .collect(),
        ),
        "medications" => (
            vec!["Medication", "Status"],
            lines
                .map(|l| match l.rsplit_once(" (") {
                    Some((m, s)) if s.ends_with(')') => {
                        [m.to_string(), s.trim_end_matches(')').to_string()]
                    }
                    _ => [l.to_string(), String::new()],
                })
                .collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    LetterSection {
        title: title.to_string(),
        text: text.to_string(),
        columns,
        rows,
    }
}

/// Link details printed in the letter: (url, valid until), or empty when none is live.
pub struct LetterLink {
    pub url: String,
    pub expires: String,
    pub reply_to: String,
}

/// Typesets the letter for referral `r`. `link` is the signed link the letter carries.
pub fn render(
    conn: &mut DbConn,
    store: Option<&Store>,
    r: &Referral,
    link: Option<&LetterLink>,
) -> AppResult<Vec<u8>> {
    let patient = db::patients::get(conn, &r.patient_id)?;
    let (sender, sender_p) = db::users::get_practitioner(conn, &r.sender_id)?;
    let clinic = db::clinics::get(conn, &r.sender_clinic_id)?;
    let (receiver, receiver_p) = db::users::get_practitioner(conn, &r.receiver_id)?;
    let receiver_clinic = db::clinics::get(conn, &receiver_p.clinic_id)?;
    let receiver_address =
        db::mail::outside_address(conn, &r.receiver_id)?.unwrap_or_else(|| receiver.email.clone());
    let consents = db::referrals::live_consents(conn, &r.id)?;
    let shared = crate::domain::snapshot::shared_with_receiver(
        &r.snapshot,
        &r.receiver_id,
        consents
            .iter()
            .map(|k| (k.recipient_id.as_str(), k.scope.as_str())),
    );
    let data = LetterData {
        date: r
            .submitted_at
            .unwrap_or(r.updated_at)
            .format("%-d %B %Y")
            .to_string(),
        clinic: Clinic {
            name: clinic.name.clone(),
            city: clinic.city.clone(),
        },
        sender: Party {
            name: sender.display_name,
            specialty: sender_p.specialty,
            practice: clinic.name,
            title: sender_p.title,
            email: sender.email,
        },
        receiver: Party {
            name: receiver.display_name,
            specialty: receiver_p.specialty,
            practice: receiver_clinic.name,
            title: receiver_p.title,
            email: receiver_address,
        },
        patient: PatientId {
            name: format!("{} {}", patient.given_name, patient.family_name),
            dob: patient.date_of_birth,
            sex: patient.sex,
            mrn: patient.mrn,
        },
        priority: PRIORITIES
            .iter()
            .find(|(k, _)| *k == r.priority)
            .map_or(r.priority.clone(), |(_, l)| l.to_string()),
        see_by: r.see_by.clone().unwrap_or_default(),
        reason: r.reason.clone(),
        heading: if r.kind.is_question() {
            "Advice question"
        } else {
            "Referral letter"
        }
        .into(),
        reason_heading: if r.kind.is_question() {
            "Question"
        } else {
            "Reason for referral"
        }
        .into(),
        message: if r.kind.is_order() {
            format!("Tests asked for:\n{}", r.message)
        } else {
            r.message.clone()
        },
        hidden: if shared.is_none() {
            "The patient's consent to share the clinical snapshot is not on record, or was withdrawn.".into()
        } else {
            String::new()
        },
        sections: shared
            .as_ref()
            .map(|s: &Snapshot| {
                s.sections
                    .iter()
                    .map(|x| section(&x.key, &x.title, &x.text))
                    .collect()
            })
            .unwrap_or_default(),
        files: shared
            .as_ref()
            .map(|s| s.files.iter().map(|f| f.title.clone()).collect())
            .unwrap_or_default(),
        link: link.map(|l| l.url.clone()).unwrap_or_default(),
        link_expires: link.map(|l| l.expires.clone()).unwrap_or_default(),
        reply_to: link.map(|l| l.reply_to.clone()).unwrap_or_default(),
    };
    let json = serde_json::to_string(&data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter data: {e}")))?;
    match store {
        Some(store) => cached(store, &r.id, json),
        None => typeset(json),
    }
}

/// Where the cached letters of a referral are kept in the file store.
fn cache_folder(referral_id: &str) -> String {
    format!("letters/{referral_id}/")
}

/// How long a cached letter is kept after it was typeset; an old one is typeset again on
/// the next download (see [`sweep_cache`]).
pub const CACHE_DAYS: i64 = 7;

/// The letter from the cache, or typeset and cached. The name is the hash of everything
/// the letter prints (and of the template and the app's version), so a new version of the
/// referral, a consent given or withdrawn, a renamed clinic or another link each name
/// another letter: a cached letter is never stale, only unused. The cache is an
/// optimisation: a store that cannot be read or written only costs the typesetting.
fn cached(store: &Store, referral_id: &str, json: String) -> AppResult<Vec<u8>> {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(TEMPLATE);
    h.update(&json);
    let name = format!(
        "{}{}.pdf",
        cache_folder(referral_id),
        hex::encode(h.finalize())
    );
    match store.get_object(&name) {
        Ok(Some(pdf)) => return Ok(pdf),
        Ok(None) => {}
        Err(e) => log::warn!("reading a cached letter: {e}"),
    }
    let pdf = typeset(json)?;
    if let Err(e) = store.put_object(&name, &pdf) {
        log::warn!("caching a letter: {e}");
    }
    Ok(pdf)
}

/// Deletes a referral's cached letters (its patient withdrew a consent: the letters that
/// still show what it covered must not stay at rest).
pub fn forget(store: &Store, referral_id: &str) {
    match store.list_objects(&cache_folder(referral_id)) {
        Ok(names) => names.iter().for_each(|n| store.remove(n)),
        Err(e) => log::warn!("listing cached letters: {e}"),
    }
}

/// Deletes cached letters typeset before `cutoff` (the `files` job); returns how many.
pub fn sweep_cache(store: &Store, cutoff: chrono::NaiveDateTime) -> AppResult<usize> {
    let old: Vec<String> = store
        .objects("letters/")?
        .into_iter()
        .filter(|(_, at)| *at < cutoff)
        .map(|(n, _)| n)
        .collect();
    old.iter().for_each(|n| store.remove(n));
    Ok(old.len())
}

fn compile(json: String) -> AppResult<PagedDocument> {
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| AppError::Internal(anyhow::anyhow!("typesetting the letter: {e:?}")))
}

fn typeset(json: String) -> AppResult<Vec<u8>> {
    let doc = compile(json)?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the letter PDF: {e:?}")))
}

impl Services {
    /// Warms the typesetter (font loading) so the first letter is not slow.
    pub fn warm_letters(&self) {
        let _ = engine();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vitals_and_medications_become_table_rows() {
        let v = section(
            "vitals",
            "Vitals",
            "2026-11-20: BP 130/85 mmHg, pulse 72/min\n2026-11-01: BP 128/80 mmHg",
        );
        assert_eq!(v.columns, ["Date", "Readings"]);
        assert_eq!(
            v.rows[0],
            [
                "2026-11-20".to_string(),
                "BP 130/85 mmHg, pulse 72/min".into()
            ]
        );
        let m = section(
            "medications",
            "Medications",
            "Metformin 500 mg, twice daily (current)\nAtorvastatin 10 mg, nightly (draft prescription)",
        );
        assert_eq!(m.rows[1][1], "draft prescription");
        assert_eq!(m.rows[0][0], "Metformin 500 mg, twice daily");
        let t = section("complaint", "Chief complaint", "Chest pain on exertion");
        assert!(t.rows.is_empty());
    }

    #[test]
    fn typesets_a_long_letter_across_pages() {
        let long: String = (0..400)
            .map(|i| {
                format!("Line {i} of a long history with #hash, $dollar, *stars* and [brackets].")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let p = |n: &str| Party {
            name: n.into(),
            specialty: "Cardiology".into(),
            practice: "Heart Care".into(),
            title: "Consultant".into(),
            email: "x@y.example".into(),
        };
        let data = LetterData {
            heading: "Referral letter".into(),
            reason_heading: "Reason for referral".into(),
            date: "2 November 2026".into(),
            clinic: Clinic {
                name: "Lakeside Clinic".into(),
                city: "Pune".into(),
            },
            sender: p("Dr Asha Kulkarni"),
            receiver: p("Dr Rao"),
            patient: PatientId {
                name: "Aarav Sharma".into(),
                dob: "1980-01-01".into(),
                sex: "male".into(),
                mrn: "LK-0001".into(),
            },
            priority: "Urgent".into(),
            see_by: "2026-11-30".into(),
            reason: "Chest pain on exertion".into(),
            message: "#set text(size: 40pt)".into(),
            hidden: String::new(),
            sections: vec![
                section(
                    "complaint",
                    "Chief complaint",
                    "Chest tightness on exertion for 3 weeks",
                ),
                section(
                    "vitals",
                    "Vitals",
                    "2026-11-20: BP 130/85 mmHg, pulse 72/min\n2026-11-01: BP 128/80 mmHg",
                ),
                section(
                    "medications",
                    "Medications",
                    "Metformin 500 mg, twice daily (current)\nAtorvastatin 10 mg, nightly (draft prescription)",
                ),
                section("visits", "Recent visits", &long),
            ],
            files: vec!["ECG.pdf".into()],
            link: "http://127.0.0.1:8080/l/0123".into(),
            link_expires: "2 December 2026".into(),
            reply_to: "reply+abc@mail.example".into(),
        };
        // 400 lines cannot fit one page: the text broke across pages, and markup-like
        // input stayed text (a 40pt "#set" would have made far more pages).
        let pages = compile(serde_json::to_string(&data).unwrap())
            .expect("letter")
            .pages()
            .len();
        assert!((5..=20).contains(&pages), "{pages} pages");
        let pdf = typeset(serde_json::to_string(&data).unwrap()).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        // To look at it: HANDOFF_LETTER_OUT=/tmp/letter.pdf cargo test --lib letter
        if let Some(out) = std::env::var_os("HANDOFF_LETTER_OUT") {
            std::fs::write(out, &pdf).expect("write the sample letter");
        }
    }
}
