//! Patients and their charts: the practitioner's list, registration, the profile page,
//! adding to each chart section, files, and the care team.

use sha2::{Digest, Sha256};

use super::accounts::{NewAccount, insert_user};
use super::{AuditEntry, Caller, Services, audit};
use crate::db::chart::{
    AllergyRow, ChartRows, ComplaintRow, FileRow, MedicationRow, VisitRow, VitalsRow,
};
use crate::db::patients::{Patient, PatientFilter};
use crate::db::{self, DbConn};
use crate::domain::chart::{
    AllergyInput, ComplaintInput, MedicationInput, VisitInput, VitalsInput, validate_allergy,
    validate_complaint, validate_medication, validate_visit, validate_vitals,
};
use crate::domain::files::{ALLOWED_TYPES_TEXT, FileType, display_name, sniff};
use crate::domain::forms::FieldErrors;
use crate::domain::people::{PatientInput, Role, check_new_password, validate_patient};
use crate::domain::policy::{Action, Actor, PatientFacts};
use crate::error::{AppError, AppResult};

/// Patients per page in the list.
pub const PAGE_SIZE: i64 = 20;

/// One page of the practitioner's patients.
pub struct PatientPage {
    pub patients: Vec<Patient>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// The practitioner's patients, searched by name or by date of birth (YYYY-MM-DD).
pub fn list(svc: &Services, caller: &Caller, query: &str, page: i64) -> AppResult<PatientPage> {
    caller.authorize(&Action::WorkWithPatients, "/patients")?;
    let me = caller.user_id()?;
    let q = query.trim().to_lowercase();
    let filter = if q.is_empty() {
        PatientFilter::All
    } else if chrono::NaiveDate::parse_from_str(&q, "%Y-%m-%d").is_ok() {
        PatientFilter::Dob(&q)
    } else {
        PatientFilter::Name(&q)
    };
    let page = page.max(1);
    let mut conn = svc.conn()?;
    let (patients, total) = db::patients::list_for_practitioner(
        &mut conn,
        me,
        &filter,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )?;
    Ok(PatientPage {
        patients,
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

/// Registration input: the patient and, optionally, a portal password.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RegistrationInput {
    #[serde(flatten)]
    pub patient: PatientInput,
    #[serde(default)]
    pub portal_password: String,
    /// The patient's language for e-mails and their personal link (a code; "" = English).
    #[serde(default)]
    pub language: String,
}

/// Registers a patient at the practitioner's clinic, with the practitioner in the care
/// team. With an e-mail and a portal password, the patient also gets a portal account.
pub fn register(svc: &Services, caller: &Caller, input: &RegistrationInput) -> AppResult<String> {
    caller.authorize(&Action::WorkWithPatients, "/patients/new")?;
    // An assistant registers the patient into their practitioner's care.
    let (Some(user_id), Some(clinic_id)) = (caller.actor.user_id(), caller.actor.clinic_id())
    else {
        return Err(AppError::forbidden());
    };
    let now = svc.now();
    let mut errors = FieldErrors::new();
    let valid = validate_patient(&input.patient, now.date());
    let portal = !input.portal_password.is_empty();
    if portal {
        if input.patient.email.trim().is_empty() {
            errors.add("email", "A portal account needs the patient's e-mail.");
        }
        let known = [
            input.patient.email.as_str(),
            input.patient.given_name.as_str(),
            input.patient.family_name.as_str(),
        ];
        if let Err(m) = check_new_password(&input.portal_password, &input.portal_password, &known) {
            errors.add("portal_password", m);
        }
    }
    let mut conn = svc.conn()?;
    if let Ok(p) = &valid {
        if db::patients::mrn_taken(&mut conn, clinic_id, &p.mrn)? {
            errors.add(
                "mrn",
                "Another patient of this clinic has this record number.",
            );
        }
        if portal && db::users::email_taken(&mut conn, &p.email, None)? {
            errors.add("email", "An account with this e-mail already exists.");
        }
    }
    let p = match valid {
        Ok(p) if errors.is_empty() => p,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(mut e) => {
            for (k, m) in errors.iter() {
                e.add(k, m.to_string());
            }
            return Err(AppError::Invalid(e));
        }
    };
    db::write_tx(&mut conn, |c| {
        let portal_user = if portal {
            Some(insert_user(
                c,
                now,
                &NewAccount {
                    email: &p.email,
                    name: &format!("{} {}", p.given_name, p.family_name),
                    role: Role::Patient,
                    clinic_id,
                    password: &input.portal_password,
                },
            )?)
        } else {
            None
        };
        let row = Patient {
            id: db::new_id(),
            clinic_id: clinic_id.to_string(),
            user_id: portal_user.map(|u| u.id),
            mrn: p.mrn.clone(),
            search_name: p.search_name(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
            sex: p.sex.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            created_at: now,
            language: crate::i18n::Lang::parse(&input.language)
                .map(|l| l.code().to_string())
                .unwrap_or_default(),
        };
        db::patients::insert(c, &row)?;
        db::patients::add_care(c, &row.id, user_id, now)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "patient_registered",
                subject_type: "patient",
                subject_id: &row.id,
                patient_id: Some(&row.id),
                detail: if portal {
                    "with portal account".into()
                } else {
                    String::new()
                },
            },
        )?;
        Ok(row.id)
    })
}

/// A patient and what the policy needs to know about the caller's relation to them.
pub(super) fn facts(
    conn: &mut DbConn,
    caller: &Caller,
    patient_id: &str,
) -> AppResult<(Patient, PatientFacts)> {
    let patient = db::patients::get(conn, patient_id)?;
    let in_team = match &caller.actor {
        Actor::Practitioner { user_id, .. } => {
            db::patients::in_care_team(conn, patient_id, user_id)?
        }
        // An assistant opens the charts of the patients their practitioner cares for.
        Actor::Assistant {
            principal: Some(p), ..
        } => db::patients::in_care_team(conn, patient_id, p)?,
        _ => false,
    };
    let f = PatientFacts {
        patient_id: patient.id.clone(),
        clinic_id: patient.clinic_id.clone(),
        user_id: patient.user_id.clone(),
        actor_in_care_team: in_team,
    };
    Ok((patient, f))
}

/// Everything the profile page shows.
pub struct Profile {
    pub patient: Patient,
    pub clinic_name: String,
    pub chart: ChartRows,
    pub care_team: Vec<(String, String, String)>,
    /// Practitioners of the clinic not yet in the care team (for sharing).
    pub colleagues: Vec<(String, String, String)>,
    pub can_edit: bool,
    /// The chart's referrals (for the care team only).
    /// Each with its due time (`None`: nobody must act).
    pub referrals: Vec<(db::referrals::ListRow, Option<chrono::NaiveDateTime>)>,
}

/// Opens a chart. The view is audited before the page is returned.
pub fn profile(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<Profile> {
    let mut conn = svc.conn()?;
    let (patient, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::ViewChart(&f), &format!("/patients/{patient_id}"))?;
    let can_edit = caller.authorize(&Action::EditChart(&f), "").is_ok();
    svc.record_view(
        caller,
        AuditEntry {
            action: "chart_viewed",
            subject_type: "patient",
            subject_id: patient_id,
            patient_id: Some(patient_id),
            detail: String::new(),
        },
    )?;
    db::read_tx(&mut conn, |c| -> AppResult<Profile> {
        let care_team = db::patients::care_team(c, patient_id)?;
        let colleagues = if can_edit {
            db::users::clinic_practitioners(c, &patient.clinic_id)?
                .into_iter()
                .filter(|(u, _)| u.active && !care_team.iter().any(|(id, _, _)| id == &u.id))
                .map(|(u, p)| (u.id, u.display_name, p.specialty))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Profile {
            referrals: if can_edit {
                let rows = db::referrals::for_chart(c, patient_id)?;
                db::referrals::with_due(c, rows)?
            } else {
                Vec::new()
            },
            clinic_name: db::clinics::get(c, &patient.clinic_id)?.name,
            chart: db::chart::load_chart(c, patient_id)?,
            care_team,
            colleagues,
            can_edit,
            patient,
        })
    })
}

/// The signed-in patient's own chart id.
pub fn own_patient_id(svc: &Services, caller: &Caller) -> AppResult<String> {
    caller.authorize(&Action::UsePortal, "/portal")?;
    let mut conn = svc.conn()?;
    let uid = caller.user_id()?;
    db::patients::by_user(&mut conn, uid)?
        .map(|p| p.id)
        .ok_or(AppError::NotFound)
}

/// One addition to a chart section.
pub enum ChartEntry {
    Complaint(ComplaintInput),
    Vitals(VitalsInput),
    Medication(MedicationInput),
    Allergy(AllergyInput),
    Visit(VisitInput),
}

impl ChartEntry {
    fn section(&self) -> &'static str {
        match self {
            ChartEntry::Complaint(_) => "complaint",
            ChartEntry::Vitals(_) => "vitals",
            ChartEntry::Medication(_) => "medication",
            ChartEntry::Allergy(_) => "allergy",
            ChartEntry::Visit(_) => "visit",
        }
    }
}

/// Checks that the caller may add to this chart (before a large upload is read).
pub fn authorize_edit(svc: &Services, caller: &Caller, patient_id: &str) -> AppResult<()> {
    let mut conn = svc.conn()?;
    let (_, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::EditChart(&f), &format!("/patients/{patient_id}"))
}

/// Adds an entry to one section of a chart; invalid input comes back as field errors.
pub fn add_entry(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    entry: &ChartEntry,
) -> AppResult<()> {
    let mut conn = svc.conn()?;
    let (_, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::EditChart(&f), &format!("/patients/{patient_id}"))?;
    // Who wrote the entry (an assistant's own name), and whose visit it records.
    let me = caller.person_id()?.to_string();
    let practitioner = caller.user_id()?.to_string();
    let now = svc.now();
    let id = db::new_id();
    let pid = patient_id.to_string();
    db::write_tx(&mut conn, |c| -> AppResult<()> {
        match entry {
            ChartEntry::Complaint(i) => {
                let v = validate_complaint(i).map_err(AppError::Invalid)?;
                db::chart::insert_complaint(
                    c,
                    &ComplaintRow {
                        id: id.clone(),
                        patient_id: pid.clone(),
                        description: v.description,
                        onset: v.onset,
                        recorded_by: me.clone(),
                        recorded_at: now,
                    },
                )?;
            }
            ChartEntry::Vitals(i) => {
                let v = validate_vitals(i, now).map_err(AppError::Invalid)?;
                db::chart::insert_vitals(
                    c,
                    &VitalsRow {
                        id: id.clone(),
                        patient_id: pid.clone(),
                        taken_at: v.taken_at,
                        systolic: v.systolic,
                        diastolic: v.diastolic,
                        heart_rate: v.heart_rate,
                        temperature_dc: v.temperature_dc,
                        spo2: v.spo2,
                        weight_dag: v.weight_dag,
                        recorded_by: me.clone(),
                        recorded_at: now,
                    },
                )?;
            }
            ChartEntry::Medication(i) => {
                let v = validate_medication(i).map_err(AppError::Invalid)?;
                db::chart::insert_medication(
                    c,
                    &MedicationRow {
                        id: id.clone(),
                        patient_id: pid.clone(),
                        name: v.name,
                        dose: v.dose,
                        frequency: v.frequency,
                        status: v.status,
                        note: v.note,
                        recorded_by: me.clone(),
                        recorded_at: now,
                    },
                )?;
            }
            ChartEntry::Allergy(i) => {
                let v = validate_allergy(i).map_err(AppError::Invalid)?;
                db::chart::insert_allergy(
                    c,
                    &AllergyRow {
                        id: id.clone(),
                        patient_id: pid.clone(),
                        substance: v.substance,
                        reaction: v.reaction,
                        severity: v.severity,
                        recorded_by: me.clone(),
                        recorded_at: now,
                    },
                )?;
            }
            ChartEntry::Visit(i) => {
                let v = validate_visit(i, now.date()).map_err(AppError::Invalid)?;
                db::chart::insert_visit(
                    c,
                    &VisitRow {
                        id: id.clone(),
                        patient_id: pid.clone(),
                        practitioner_id: practitioner.clone(),
                        visited_on: v.visited_on.format("%Y-%m-%d").to_string(),
                        reason: v.reason,
                        notes: v.notes,
                        recorded_at: now,
                    },
                )?;
            }
        }
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "chart_edited",
                subject_type: entry.section(),
                subject_id: &id,
                patient_id: Some(&pid),
                detail: format!("added {}", entry.section()),
            },
        )
    })
}

/// An uploaded file, as received.
pub struct Upload {
    pub kind: String,
    pub title: String,
    pub original_name: String,
    pub bytes: Vec<u8>,
}

/// Stores a lab or imaging file: the type is sniffed from the content; the file is written
/// under a random name, synced, and renamed into place only after its row is committed, so
/// no partial file is ever visible.
pub fn upload_file(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    up: Upload,
) -> AppResult<String> {
    let mut conn = svc.conn()?;
    let (_, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::EditChart(&f), &format!("/patients/{patient_id}"))?;
    let mut errors = FieldErrors::new();
    if !crate::domain::chart::FILE_KINDS
        .iter()
        .any(|(k, _)| *k == up.kind)
    {
        errors.add("kind", "Choose lab result or imaging.");
    }
    let title = crate::domain::forms::required_text(&mut errors, "title", "Title", &up.title, 200);
    let ftype = if up.bytes.is_empty() {
        errors.add("file", "Choose a file to upload.");
        None
    } else {
        let t = sniff(&up.bytes[..up.bytes.len().min(512)]);
        if t.is_none() {
            errors.add(
                "file",
                format!("This file type is not accepted. Upload {ALLOWED_TYPES_TEXT}."),
            );
        }
        t
    };
    if (up.bytes.len() as u64) > svc.max_upload_bytes {
        return Err(too_large(svc));
    }
    let Some(ftype) = ftype.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let id = db::new_id();
    let sha = hex::encode(Sha256::digest(&up.bytes));
    let staged = svc.store.stage(&up.bytes)?;
    let stored_name = staged.key.clone();
    let row = FileRow {
        id: id.clone(),
        patient_id: patient_id.to_string(),
        kind: up.kind.clone(),
        title,
        original_name: display_name(&up.original_name),
        stored_name: stored_name.clone(),
        content_type: ftype.mime().to_string(),
        size_bytes: up.bytes.len() as i64,
        sha256: sha,
        uploaded_by: caller.person_id()?.to_string(),
        uploaded_at: svc.now(),
    };
    let now = svc.now();
    let result = db::write_tx(&mut conn, |c| -> AppResult<()> {
        db::chart::insert_file(c, &row)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "file_uploaded",
                subject_type: "file",
                subject_id: &id,
                patient_id: Some(patient_id),
                detail: format!(
                    "{} ({}, {} bytes)",
                    row.original_name,
                    ftype.label(),
                    row.size_bytes
                ),
            },
        )?;
        staged.publish()
    });
    result.map(|_| id)
}

/// The 413 message.
pub fn too_large(svc: &Services) -> AppError {
    AppError::TooLarge(format!(
        "The file is larger than the limit of {} MB. Nothing was stored.",
        svc.max_upload_bytes / (1024 * 1024)
    ))
}

/// A file to send back: its row and where its bytes are.
pub struct Download {
    pub row: FileRow,
    pub file: super::store::FileAt,
    pub file_type: Option<FileType>,
}

/// Looks up a chart file for download, audited.
pub fn download_file(
    svc: &Services,
    caller: &Caller,
    patient_id: &str,
    file_id: &str,
) -> AppResult<Download> {
    let mut conn = svc.conn()?;
    let (_, f) = facts(&mut conn, caller, patient_id)?;
    caller.authorize(&Action::ViewChart(&f), &format!("/patients/{patient_id}"))?;
    let row = db::chart::get_file(&mut conn, patient_id, file_id)?;
    svc.record_view(
        caller,
        AuditEntry {
            action: "file_downloaded",
            subject_type: "file",
            subject_id: file_id,
            patient_id: Some(patient_id),
            detail: row.original_name.clone(),
        },
    )?;
    Ok(Download {
        file: super::store::FileAt {
            store: svc.store.clone(),
            key: row.stored_name.clone(),
        },
        file_type: FileType::from_mime(&row.content_type),
        row,
    })
}
