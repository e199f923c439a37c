//! The demo network: three clinics, their practitioners, admins and patients with
//! realistic charts. Deterministic, so screenshots and tests see the same people.

use chrono::{Duration, NaiveDateTime};

use super::Services;
use super::accounts::hash_password;
use crate::db::chart::{AllergyRow, ComplaintRow, MedicationRow, VisitRow, VitalsRow};
use crate::db::clinics::Clinic;
use crate::db::patients::Patient;
use crate::db::users::{Practitioner, User};
use crate::db::{self, DbConn};
use crate::domain::people::search_name;
use crate::error::AppResult;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "handoff-demo-2026";

/// A demo login to print.
pub struct DemoLogin {
    pub email: String,
    pub role: &'static str,
    pub who: String,
}

struct ClinicSpec {
    name: &'static str,
    city: &'static str,
    approval: bool,
    slug: &'static str,
    kind: &'static str,
}

const CLINICS: [ClinicSpec; 6] = [
    ClinicSpec {
        name: "Lakeside Family Clinic",
        city: "Pune",
        approval: false,
        slug: "lakeside",
        kind: "clinic",
    },
    ClinicSpec {
        name: "Harbour Health Centre",
        city: "Mumbai",
        approval: true,
        slug: "harbour",
        kind: "clinic",
    },
    ClinicSpec {
        name: "Northgate Specialist Group",
        city: "Bengaluru",
        approval: false,
        slug: "northgate",
        kind: "clinic",
    },
    // A hospital: referrals to its doctors are admissions.
    ClinicSpec {
        name: "City General Hospital",
        city: "Pune",
        approval: false,
        slug: "citygeneral",
        kind: "hospital",
    },
    // A lab and an imaging centre: referrals to their staff are orders.
    ClinicSpec {
        name: "Northgate Diagnostics Lab",
        city: "Bengaluru",
        approval: false,
        slug: "ngdiagnostics",
        kind: "lab",
    },
    ClinicSpec {
        name: "Lakeside Imaging Centre",
        city: "Pune",
        approval: false,
        slug: "lsimaging",
        kind: "imaging",
    },
];

// (clinic index, name, specialty, languages, accepting)
const PRACTITIONERS: [(usize, &str, &str, &str, bool); 17] = [
    (4, "Lab Desk", "Laboratory", "English, Kannada", true),
    (5, "Imaging Desk", "Radiology", "English, Marathi", true),
    (
        3,
        "Sameer Kulkarni",
        "Internal medicine (admissions)",
        "English, Marathi",
        true,
    ),
    (
        0,
        "Asha Kulkarni",
        "General practice",
        "English, Marathi, Hindi",
        true,
    ),
    (
        0,
        "Rohan Mehta",
        "General practice",
        "English, Hindi, Gujarati",
        true,
    ),
    (
        0,
        "Priya Deshpande",
        "Paediatrics",
        "English, Marathi",
        true,
    ),
    (0, "Vikram Joshi", "Dermatology", "English, Hindi", false),
    (
        1,
        "Farah Siddiqui",
        "Cardiology",
        "English, Hindi, Urdu",
        true,
    ),
    (
        1,
        "Daniel Fernandes",
        "General practice",
        "English, Konkani",
        true,
    ),
    (1, "Meera Iyer", "Endocrinology", "English, Tamil", true),
    (1, "Kabir Shah", "Psychiatry", "English, Hindi", true),
    (
        2,
        "Lakshmi Narayan",
        "Neurology",
        "English, Kannada, Tamil",
        true,
    ),
    (2, "Arjun Reddy", "Orthopaedics", "English, Telugu", true),
    (
        2,
        "Sofia D'Souza",
        "Gastroenterology",
        "English, Kannada",
        true,
    ),
    (
        2,
        "Nikhil Rao",
        "Pulmonology",
        "English, Kannada, Hindi",
        true,
    ),
    (2, "Ananya Bose", "Cardiology", "English, Bengali", true),
    (
        2,
        "Imran Qureshi",
        "Nephrology",
        "English, Hindi, Urdu",
        false,
    ),
];

/// Practitioners who run a practice in the scheduling portal (their patients get a
/// "Book a visit" button).
const PRACTICES: [&str; 4] = [
    "Farah Siddiqui",
    "Lakshmi Narayan",
    "Arjun Reddy",
    "Meera Iyer",
];

/// The demo patients' languages for e-mail and their links, in turn ("" = English).
const DEMO_LANGUAGES: [&str; 3] = ["", "hi", "mr"];

pub(super) const GIVEN: [&str; 24] = [
    "Aarav", "Diya", "Kiran", "Neha", "Sanjay", "Lata", "Ravi", "Pooja", "Manoj", "Sunita", "Arun",
    "Kavya", "Tariq", "Rekha", "Joseph", "Fatima", "Harish", "Geeta", "Omar", "Isha", "Suresh",
    "Nandini", "Victor", "Maya",
];
pub(super) const FAMILY: [&str; 24] = [
    "Sharma", "Patil", "Nair", "Gupta", "Pillai", "Khan", "Verma", "Menon", "Das", "Chavan",
    "Singh", "Rao", "Ahmed", "Kapoor", "Mathew", "Sheikh", "Bhat", "Yadav", "Farooq", "Jain",
    "Gowda", "Shetty", "Pereira", "Banerjee",
];

// (complaint, onset, medications [(name, dose, frequency, status)], allergy)
type MedSpec = (&'static str, &'static str, &'static str, &'static str);
type AllergySpec = Option<(&'static str, &'static str, &'static str)>;
type CaseSpec = (&'static str, &'static str, &'static [MedSpec], AllergySpec);
const CASES: [CaseSpec; 8] = [
    (
        "Exertional chest tightness for three weeks, relieved by rest",
        "3 weeks",
        &[
            ("Aspirin", "75 mg", "once daily", "current"),
            ("Atorvastatin", "20 mg", "at night", "draft"),
        ],
        Some(("Penicillin", "Urticarial rash", "moderate")),
    ),
    (
        "Poorly controlled type 2 diabetes, HbA1c 9.1 %",
        "2 years",
        &[
            ("Metformin", "1000 mg", "twice daily", "current"),
            ("Gliclazide", "40 mg", "once daily", "current"),
        ],
        None,
    ),
    (
        "Recurrent migraine with aura, four episodes a month",
        "6 months",
        &[
            ("Sumatriptan", "50 mg", "at onset, max 2 a day", "current"),
            ("Propranolol", "40 mg", "twice daily", "draft"),
        ],
        Some(("Ibuprofen", "Bronchospasm", "severe")),
    ),
    (
        "Right knee pain and swelling after a fall",
        "10 days",
        &[("Paracetamol", "1 g", "up to four times daily", "current")],
        None,
    ),
    (
        "Persistent dry cough and breathlessness on climbing stairs",
        "2 months",
        &[(
            "Salbutamol inhaler",
            "100 mcg, 2 puffs",
            "as needed",
            "current",
        )],
        Some(("Sulfonamides", "Fever and rash", "moderate")),
    ),
    (
        "Itchy scaly plaques on elbows and scalp",
        "1 year",
        &[(
            "Clobetasol cream",
            "0.05 %",
            "twice daily, 2 weeks",
            "draft",
        )],
        None,
    ),
    (
        "Low mood, poor sleep and loss of interest",
        "4 months",
        &[("Sertraline", "50 mg", "once daily", "draft")],
        None,
    ),
    (
        "Epigastric pain and heartburn after meals",
        "5 weeks",
        &[("Pantoprazole", "40 mg", "before breakfast", "current")],
        Some(("Latex", "Contact dermatitis", "mild")),
    ),
];

/// Seeds the demo network if the database holds no clinic yet. Returns the logins, or
/// `None` if there was already data.
pub fn seed_demo(svc: &Services) -> AppResult<Option<Vec<DemoLogin>>> {
    let mut conn = svc.conn()?;
    if db::clinics::count(&mut conn)? > 0 {
        return Ok(None);
    }
    // One hash for every demo account: they share the published demo password anyway.
    let hash = hash_password(DEMO_PASSWORD)?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| seed_all(c, now, &hash)).map(Some)
}

fn user(
    c: &mut DbConn,
    now: NaiveDateTime,
    hash: &str,
    email: &str,
    name: &str,
    role: &str,
    clinic: &str,
) -> AppResult<User> {
    let u = User {
        id: db::new_id(),
        email: email.to_string(),
        password_hash: hash.to_string(),
        role: role.to_string(),
        display_name: name.to_string(),
        clinic_id: clinic.to_string(),
        active: true,
        created_at: now,
        password_changed_at: now,
        language: String::new(),
    };
    db::users::insert(c, &u)?;
    Ok(u)
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect::<String>()
        .replace(' ', ".")
}

fn seed_all(c: &mut DbConn, now: NaiveDateTime, hash: &str) -> AppResult<Vec<DemoLogin>> {
    let mut logins = Vec::new();
    let mut clinics = Vec::new();
    for spec in &CLINICS {
        let clinic = Clinic {
            id: db::new_id(),
            name: spec.name.into(),
            city: spec.city.into(),
            kind: spec.kind.into(),
            requires_patient_approval: spec.approval,
            show_booking_prompts: true,
            created_at: now,
        };
        db::clinics::insert(c, &clinic)?;
        // Harbour shows the second factor: its staff set one up at their first sign-in.
        if spec.slug == "harbour" {
            db::second_factor::set_required(c, &clinic.id, true)?;
        }
        let email = format!("admin@{}.example", spec.slug);
        user(
            c,
            now,
            hash,
            &email,
            &format!("{} admin", spec.name),
            "clinic_admin",
            &clinic.id,
        )?;
        logins.push(DemoLogin {
            email,
            role: "clinic admin",
            who: spec.name.into(),
        });
        clinics.push(clinic);
    }
    let mut practitioners: Vec<(usize, User, &str)> = Vec::new();
    for (ci, name, specialty, languages, accepting) in PRACTITIONERS {
        let clinic = &clinics[ci];
        let email = format!("{}@{}.example", slug(name), CLINICS[ci].slug);
        let u = user(
            c,
            now,
            hash,
            &email,
            &format!("Dr {name}"),
            "practitioner",
            &clinic.id,
        )?;
        db::users::insert_practitioner(
            c,
            &Practitioner {
                user_id: u.id.clone(),
                clinic_id: clinic.id.clone(),
                title: "Dr".into(),
                specialty: specialty.into(),
                city: clinic.city.clone(),
                languages: languages.into(),
                accepting_referrals: accepting,
                bio: String::new(),
            },
        )?;
        db::directory::refresh(c, &u.id)?;
        if PRACTICES.contains(&name) {
            // Weekday mornings, 20-minute visits.
            let hours: Vec<crate::domain::schedule::Hours> = (0..5)
                .map(|weekday| crate::domain::schedule::Hours {
                    weekday,
                    start_minute: 9 * 60,
                    end_minute: 13 * 60,
                })
                .collect();
            db::schedule::save_practice(
                c,
                &crate::db::practices::Practice {
                    practitioner_id: u.id.clone(),
                    location: format!("{}, {}", clinic.name, clinic.city),
                    visit_minutes: 20,
                    created_at: now,
                    time_zone: "Asia/Kolkata".into(),
                },
                &hours,
                &[],
            )?;
        }
        logins.push(DemoLogin {
            email,
            role: "practitioner",
            who: format!("Dr {name}, {specialty}, {}", clinic.name),
        });
        practitioners.push((ci, u, specialty));
    }
    for i in 0..24usize {
        let ci = i % 3;
        let clinic = &clinics[ci];
        let given = GIVEN[i];
        let family = FAMILY[(i * 7) % 24];
        let dob = chrono::NaiveDate::from_ymd_opt(
            1948 + ((i * 13) % 60) as i32,
            1 + (i % 12) as u32,
            1 + ((i * 5) % 28) as u32,
        )
        .unwrap_or_default();
        let email = format!(
            "{}.{}@patients.example",
            given.to_lowercase(),
            family.to_lowercase()
        );
        // The last six have no portal account: they hear from Handoff by e-mail, through
        // their personal link.
        let portal = if i < 18 {
            Some(user(
                c,
                now,
                hash,
                &email,
                &format!("{given} {family}"),
                "patient",
                &clinic.id,
            )?)
        } else {
            None
        };
        let p = Patient {
            id: db::new_id(),
            clinic_id: clinic.id.clone(),
            user_id: portal.map(|u| u.id),
            mrn: format!("{}-{:04}", CLINICS[ci].slug[..2].to_uppercase(), 1001 + i),
            given_name: given.into(),
            family_name: family.into(),
            search_name: search_name(given, family),
            date_of_birth: dob.format("%Y-%m-%d").to_string(),
            sex: if i % 2 == 0 {
                "male".into()
            } else {
                "female".into()
            },
            phone: format!("+91 98{:08}", 20_000_000 + i * 7_919),
            email: email.clone(),
            created_at: now,
            language: DEMO_LANGUAGES[i % DEMO_LANGUAGES.len()].into(),
        };
        db::patients::insert(c, &p)?;
        if i < 6 {
            logins.push(DemoLogin {
                email,
                role: "patient",
                who: format!("{given} {family}, {}", clinic.name),
            });
        }
        // Every patient is cared for by the clinic's first practitioner (their GP), and
        // some also by a colleague of the same clinic.
        let team: Vec<&(usize, User, &str)> = practitioners
            .iter()
            .filter(|(pc, _, _)| *pc == ci)
            .collect();
        let gp = team[0];
        db::patients::add_care(c, &p.id, &gp.1.id, now)?;
        if i % 2 == 1 && team.len() > 1 {
            db::patients::add_care(c, &p.id, &team[1 + i % (team.len() - 1)].1.id, now)?;
        }
        chart_for(c, now, &p.id, &gp.1.id, i)?;
    }
    demo_service(c, &clinics[2].id, &practitioners, now)?;
    let people: Vec<User> = practitioners.iter().map(|(_, u, _)| u.clone()).collect();
    for (email, who) in super::assistants::seed_demo(c, now, hash, &clinics[0], &people)? {
        let role = "assistant";
        logins.push(DemoLogin { email, role, who });
    }
    Ok(logins)
}

/// Northgate's cardiology service (issue 15): two members and a coordinator, so a referral
/// to "Cardiology" can wait in a shared queue until one of them takes it.
fn demo_service(
    c: &mut DbConn,
    clinic_id: &str,
    practitioners: &[(usize, User, &str)],
    now: NaiveDateTime,
) -> AppResult<()> {
    let id_of = |name: &str| {
        practitioners
            .iter()
            .find(|(_, u, _)| u.display_name.ends_with(name))
            .map(|(_, u, _)| u.id.clone())
            .unwrap_or_default()
    };
    let new = crate::domain::service::NewService {
        name: "Cardiology service, Northgate".into(),
        description: "Heart and circulation: chest pain, breathlessness, palpitations, heart failure. One of us takes each referral within a working day.".into(),
        specialties: "Cardiology, heart failure, arrhythmia, chest pain".into(),
        eligibility: crate::domain::service::Eligibility {
            min_age: Some(16),
            max_age: None,
            sex: None,
        },
        accepting: true,
        coordinator_id: Some(id_of("Sofia D'Souza")),
        members: vec![id_of("Ananya Bose"), id_of("Nikhil Rao")],
    };
    super::teams::insert_service(c, clinic_id, &new, now)?;
    Ok(())
}

pub(super) fn chart_for(
    c: &mut DbConn,
    now: NaiveDateTime,
    patient_id: &str,
    by: &str,
    i: usize,
) -> AppResult<()> {
    let (complaint, onset, meds, allergy) = CASES[i % CASES.len()];
    db::chart::insert_complaint(
        c,
        &ComplaintRow {
            id: db::new_id(),
            patient_id: patient_id.into(),
            description: complaint.into(),
            onset: onset.into(),
            recorded_by: by.into(),
            recorded_at: now - Duration::days(2),
        },
    )?;
    for k in 0..5i64 {
        let drift = ((i as i64 * 3 + k * 7) % 11) - 5;
        db::chart::insert_vitals(
            c,
            &VitalsRow {
                id: db::new_id(),
                patient_id: patient_id.into(),
                taken_at: now - Duration::days(120 - k * 28) - Duration::hours(i as i64),
                systolic: Some(124 + (i as i64 % 5) * 6 + drift),
                diastolic: Some(78 + (i as i64 % 4) * 3 + drift / 2),
                heart_rate: Some(68 + (i as i64 % 9) + drift),
                temperature_dc: Some(366 + (k % 3)),
                spo2: Some(97 - (i as i64 % 3)),
                weight_dag: Some(600 + (i as i64 * 37) % 300 - k * 3),
                recorded_by: by.into(),
                recorded_at: now,
            },
        )?;
    }
    for (name, dose, freq, status) in meds {
        db::chart::insert_medication(
            c,
            &MedicationRow {
                id: db::new_id(),
                patient_id: patient_id.into(),
                name: (*name).into(),
                dose: (*dose).into(),
                frequency: (*freq).into(),
                status: (*status).into(),
                note: String::new(),
                recorded_by: by.into(),
                recorded_at: now,
            },
        )?;
    }
    if let Some((substance, reaction, severity)) = allergy {
        db::chart::insert_allergy(
            c,
            &AllergyRow {
                id: db::new_id(),
                patient_id: patient_id.into(),
                substance: substance.into(),
                reaction: reaction.into(),
                severity: severity.into(),
                recorded_by: by.into(),
                recorded_at: now,
            },
        )?;
    }
    for (k, (reason, notes)) in [
        ("Initial consultation", "History taken, examination done. Plan discussed with the patient; baseline bloods ordered."),
        ("Follow-up", "Symptoms reviewed against the plan. Medication adherence good; no new red flags. Review in four weeks."),
    ]
    .iter()
    .enumerate()
    {
        db::chart::insert_visit(
            c,
            &VisitRow {
                id: db::new_id(),
                patient_id: patient_id.into(),
                practitioner_id: by.into(),
                visited_on: (now - Duration::days(60 - 30 * k as i64)).format("%Y-%m-%d").to_string(),
                reason: (*reason).into(),
                notes: (*notes).into(),
                recorded_at: now,
            },
        )?;
    }
    Ok(())
}

pub use super::generate::{generate_network_referrals, generate_referrals};
