//! Builders for the suite: a referral in any state, reached through the same forms a
//! browser posts; one way to act on a referral; one way to count audit rows. Tests that
//! need a referral say what it is and where it stands, not which fields make one.

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::*;

/// Where a referral stands: the domain's own statuses, so a test names the state the
/// machine knows; the builder checks the stored value (`as_str`) after each step.
pub use handoff::domain::referral::Status as State;

/// What kind of referral; the receiver's organisation decides it, so each kind names a
/// seeded receiver of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Specialist,
    Admission,
    Lab,
    Imaging,
}

impl Kind {
    pub fn receiver(self) -> &'static str {
        match self {
            Kind::Specialist => OTHER_CLINIC_DOC,
            Kind::Admission => "sameer.kulkarni@citygeneral.example",
            Kind::Lab => "lab.desk@ngdiagnostics.example",
            Kind::Imaging => "imaging.desk@lsimaging.example",
        }
    }
}

/// A doctor outside the network, as typed into the composer.
#[derive(Debug, Clone)]
pub struct OutsideDoctor {
    pub name: String,
    pub email: String,
    pub specialty: String,
    pub practice: String,
}

/// One snapshot section of the composer: its text, and whether its box is ticked (only
/// ticked sections are shared; an unticked one still travels in the form).
#[derive(Debug, Clone)]
pub struct Section {
    pub key: String,
    pub text: String,
    pub ticked: bool,
}

/// The fields of the composer's form, as a browser sends them. Needs no app, so a test
/// that talks to a server in another process can post the same form.
#[derive(Debug, Clone)]
pub struct ComposeForm {
    pub receiver_id: Option<String>,
    pub outside: Option<OutsideDoctor>,
    pub priority: String,
    pub reason: String,
    pub message: String,
    pub sections: Vec<Section>,
    pub doctor_only: bool,
    pub consent_verbal: bool,
    pub redirected_from: Option<String>,
    /// Why another referral is sent while one to the same receiver or specialty is open.
    pub duplicate_reason: Option<String>,
    /// An advice question instead of a referral: `Some(may_convert)`.
    pub question: Option<bool>,
}

impl Default for ComposeForm {
    fn default() -> Self {
        ComposeForm {
            receiver_id: None,
            outside: None,
            priority: "routine".into(),
            reason: "Please assess".into(),
            message: String::new(),
            sections: vec![Section {
                key: "complaint".into(),
                text: "Chest tightness".into(),
                ticked: true,
            }],
            doctor_only: false,
            consent_verbal: true,
            redirected_from: None,
            duplicate_reason: None,
            question: None,
        }
    }
}

impl ComposeForm {
    /// Ticks section `key` with `text` (replacing an earlier entry for it).
    pub fn section(&mut self, key: &str, text: &str, ticked: bool) {
        self.sections.retain(|s| s.key != key);
        self.sections.push(Section {
            key: key.into(),
            text: text.into(),
            ticked,
        });
    }

    /// The form's fields; `action` is the button pressed: "send" or "draft".
    pub fn fields(&self, action: &str) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| f.push((k.to_string(), v.to_string()));
        if let Some(to) = &self.receiver_id {
            put("receiver_id", to);
        }
        if let Some(o) = &self.outside {
            put("to_external", "1");
            put("ext_name", &o.name);
            put("ext_email", &o.email);
            put("ext_specialty", &o.specialty);
            put("ext_practice", &o.practice);
        }
        put("priority", &self.priority);
        put("reason", &self.reason);
        put("message", &self.message);
        for s in &self.sections {
            if s.ticked {
                put(&format!("inc_{}", s.key), "on");
            }
            put(&format!("txt_{}", s.key), &s.text);
        }
        if self.doctor_only {
            put("doctor_only", "on");
        }
        if self.consent_verbal {
            put("consent_verbal", "on");
        }
        if let Some(from) = &self.redirected_from {
            put("redirected_from", from);
        }
        if let Some(why) = &self.duplicate_reason {
            put("duplicate_reason", why);
        }
        if let Some(may_convert) = self.question {
            put("ask", "1");
            if may_convert {
                put("may_convert", "on");
            }
        }
        put("action", action);
        f
    }
}

/// The answer to a POST.
#[derive(Debug)]
pub struct Posted {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
}

impl Posted {
    /// Asserts the POST was taken (303) and returns it; `what` names it in the failure.
    #[track_caller]
    pub fn ok(self, what: &str) -> Posted {
        assert_eq!(
            self.status,
            StatusCode::SEE_OTHER,
            "{what}: {}",
            problem_in(&self.body)
        );
        self
    }

    /// Status, body and the referral created or saved, for a composer POST.
    pub fn parts(self) -> (StatusCode, String, Option<String>) {
        let id = self.referral_id();
        (self.status, self.body, id)
    }

    /// The referral a composer POST created or saved (from its redirect).
    pub fn referral_id(&self) -> Option<String> {
        self.location
            .as_deref()
            .and_then(|l| l.strip_prefix("/referrals/"))
            .map(str::to_string)
    }
}

/// The part of an error page that says what went wrong, or the whole page.
pub fn problem_in(body: &str) -> &str {
    body.split("class=\"alert\"")
        .nth(1)
        .or_else(|| body.split("field-error").nth(1))
        .unwrap_or(body)
}

/// Every state a referral reaches through the forms, on both sides.
pub const FORM_STATES: [State; 8] = [
    State::Draft,
    State::Sent,
    State::NeedInfo,
    State::VisitRequired,
    State::Accepted,
    State::Completed,
    State::Rejected,
    State::Cancelled,
];

/// A referral the builder made.
#[derive(Debug, Clone)]
pub struct Made {
    pub id: String,
    pub patient_id: String,
    /// The receiver's user id (an outside doctor gets an account that cannot sign in).
    pub receiver_id: Option<String>,
}

enum Sender<'a> {
    Email(String),
    Session(&'a Session),
}

enum PatientRef {
    Name(String),
    Id(String),
}

/// A referral to build: by default the GP refers Aarav Sharma to the Harbour cardiologist
/// (who runs a practice), routine, the complaint ticked, verbal consent given.
pub struct ReferralBuilder<'a> {
    app: &'a TestApp,
    sender: Sender<'a>,
    patient: PatientRef,
    receiver: Option<String>,
    kind: Option<Kind>,
    receiver_session: Option<&'a Session>,
    patient_session: Option<&'a Session>,
    last_step: Vec<(String, String)>,
    form: ComposeForm,
}

impl TestApp {
    pub fn referral(&self) -> ReferralBuilder<'_> {
        ReferralBuilder {
            app: self,
            sender: Sender::Email(GP.into()),
            patient: PatientRef::Name("Aarav Sharma".into()),
            receiver: None,
            kind: None,
            receiver_session: None,
            patient_session: None,
            last_step: Vec::new(),
            form: ComposeForm::default(),
        }
    }
}

impl<'a> ReferralBuilder<'a> {
    /// Sent by this signed-in practitioner (no extra sign-in: audit counts stay exact).
    pub fn by(mut self, s: &'a Session) -> Self {
        self.sender = Sender::Session(s);
        self
    }

    /// Sent by this practitioner, signed in by the builder at the clock's current time.
    pub fn from(mut self, email: &str) -> Self {
        self.sender = Sender::Email(email.into());
        self
    }

    /// The seeded patient with this "Given Family" name.
    pub fn patient(mut self, name: &str) -> Self {
        self.patient = PatientRef::Name(name.into());
        self
    }

    pub fn patient_id(mut self, id: &str) -> Self {
        self.patient = PatientRef::Id(id.into());
        self
    }

    /// To this practitioner of the network.
    pub fn to(mut self, email: &str) -> Self {
        self.receiver = Some(email.into());
        self
    }

    /// A referral of this kind, to a seeded receiver of that kind unless `to` names one,
    /// with what the kind requires filled in (the tests asked for, an admission's packet).
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// To a doctor outside the network.
    pub fn outside(mut self, doctor: OutsideDoctor) -> Self {
        self.form.outside = Some(doctor);
        self
    }

    pub fn priority(mut self, p: &str) -> Self {
        self.form.priority = p.into();
        self
    }

    pub fn reason(mut self, r: &str) -> Self {
        self.form.reason = r.into();
        self
    }

    /// The message to the receiver (for an order, the tests asked for).
    pub fn message(mut self, m: &str) -> Self {
        self.form.message = m.into();
        self
    }

    /// Shares section `key` (complaint, vitals, medications, allergies, visits, labs) with
    /// this text.
    pub fn section(mut self, key: &str, text: &str) -> Self {
        self.form.section(key, text, true);
        self
    }

    /// Types `text` into section `key` without ticking it: it must not be shared.
    pub fn unticked(mut self, key: &str, text: &str) -> Self {
        self.form.section(key, text, false);
        self
    }

    /// No snapshot section at all.
    pub fn no_sections(mut self) -> Self {
        self.form.sections.clear();
        self
    }

    pub fn doctor_only(mut self) -> Self {
        self.form.doctor_only = true;
        self
    }

    /// Leaves the verbal-consent box unticked. (Where the patient's clinic asks patients
    /// to approve, the composer has no such box and the builder never sends it.)
    pub fn without_consent(mut self) -> Self {
        self.form.consent_verbal = false;
        self
    }

    /// Posts a reason for sending another referral while one to the same receiver or
    /// specialty is open (`in_state` gives a standard one when none is set).
    pub fn duplicate_reason(mut self, why: &str) -> Self {
        self.form.duplicate_reason = Some(why.into());
        self
    }

    /// An advice question instead of a referral; `may_convert` ticks "the specialist may
    /// turn this question into a referral". `in_state` drives it to Sent (asked), NeedInfo,
    /// Answered or Converted (`last_step` sets the answer's or conversion's fields).
    pub fn question(mut self, may_convert: bool) -> Self {
        self.form.question = Some(may_convert);
        self
    }

    /// Composed from the redirect of this rejected referral.
    pub fn redirected_from(mut self, id: &str) -> Self {
        self.form.redirected_from = Some(id.into());
        self
    }

    /// The receiver acts with this session instead of one the builder signs in.
    pub fn receiver_session(mut self, s: &'a Session) -> Self {
        self.receiver_session = Some(s);
        self
    }

    /// The patient approves or declines with this session instead of one the builder
    /// signs in.
    pub fn patient_session(mut self, s: &'a Session) -> Self {
        self.patient_session = Some(s);
        self
    }

    /// Fields for the last step's form, replacing its defaults (a reject's code and note,
    /// a completion's outcome, ...).
    pub fn last_step(mut self, form: &[(&str, &str)]) -> Self {
        self.last_step = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }

    fn patient_ref(&self) -> String {
        match &self.patient {
            PatientRef::Name(n) => self.app.patient_id(n),
            PatientRef::Id(id) => id.clone(),
        }
    }

    fn receiver_email(&self) -> Option<String> {
        if self.form.outside.is_some() {
            return None;
        }
        Some(
            self.receiver
                .clone()
                .unwrap_or_else(|| self.kind.unwrap_or(Kind::Specialist).receiver().into()),
        )
    }

    /// The composer's form as this builder fills it for patient `pid`.
    fn compose_form(&self, pid: &str) -> ComposeForm {
        let mut form = self.form.clone();
        form.receiver_id = self.receiver_email().map(|e| self.app.user_id(&e));
        if approval_required(self.app, pid) {
            form.consent_verbal = false;
        }
        match self.kind {
            Some(Kind::Lab | Kind::Imaging) if form.message.trim().is_empty() => {
                form.message = "HbA1c\nLipid panel".into();
            }
            Some(Kind::Admission) => {
                for (key, text) in [
                    ("vitals", "BP 90/60 mmHg, pulse 110/min"),
                    ("medications", "Aspirin 75 mg daily"),
                    ("allergies", "Penicillin: rash"),
                    ("visits", "Seen today: chest pain at rest"),
                ] {
                    if !form.sections.iter().any(|s| s.key == key && s.ticked) {
                        form.section(key, text, true);
                    }
                }
            }
            _ => {}
        }
        form
    }

    /// Posts the composer's form with `action` ("send" or "draft") as the sender and
    /// returns the answer as it is, for tests of what the composer refuses.
    pub async fn post(self, action: &str) -> Posted {
        let pid = self.patient_ref();
        let owned;
        let sender = match &self.sender {
            Sender::Session(s) => *s,
            Sender::Email(e) => {
                owned = self.app.login(e, PW).await;
                &owned
            }
        };
        post_compose(self.app, sender, &pid, &self.compose_form(&pid), action).await
    }

    /// Composes the referral and drives it, through the pages' forms and as the party each
    /// step belongs to, until it stands in `want`.
    pub async fn in_state(self, want: State) -> Made {
        use State::*;
        let app = self.app;
        let pid = self.patient_ref();
        let approval = approval_required(app, &pid);
        if matches!(want, AwaitingPatient | DeclinedByPatient) {
            assert!(
                approval,
                "{want:?} needs a patient whose clinic asks for approval (Harbour: \
                 .by(farah).patient(\"Diya Menon\").to(another practitioner))"
            );
        }
        let outside = self.form.outside.is_some();
        if outside {
            assert!(
                matches!(
                    want,
                    Draft | AwaitingPatient | DeclinedByPatient | Sent | Cancelled
                ),
                "an outside doctor decides through the link from the e-mail: drive {want:?} \
                 with act_on_page on /l/<token>"
            );
        }
        let owned_sender;
        let sender = match &self.sender {
            Sender::Session(s) => *s,
            Sender::Email(e) => {
                owned_sender = app.login(e, PW).await;
                &owned_sender
            }
        };
        let mut form = self.compose_form(&pid);
        // The server reads it only when the referral repeats an open one.
        form.duplicate_reason
            .get_or_insert_with(|| "Test data: another referral on purpose".into());
        let action = if want == Draft { "draft" } else { "send" };
        let posted = post_compose(app, sender, &pid, &form, action)
            .await
            .ok("composing the referral");
        let id = posted
            .referral_id()
            .expect("the composer redirects to the referral");
        let made = Made {
            id: id.clone(),
            patient_id: pid.clone(),
            receiver_id: form
                .receiver_id
                .clone()
                .or_else(|| form.outside.as_ref().map(|o| app.user_id(&o.email))),
        };
        let first = if want == Draft {
            Draft
        } else if approval {
            AwaitingPatient
        } else {
            Sent
        };
        assert_eq!(status_of(app, &id), first.as_str(), "after composing");
        if want == first {
            return made;
        }

        // Every call builds the form of the referral's last step: the caller's fields win.
        let step = |defaults: &[(&str, &str)]| -> Vec<(String, String)> {
            let mut f: Vec<(String, String)> = defaults
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            for (k, v) in &self.last_step {
                f.retain(|(fk, _)| fk != k);
                f.push((k.clone(), v.clone()));
            }
            f
        };
        let run = async |s: &Session, cmd: &str, form: Vec<(String, String)>| {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.act(s, &id, cmd, &form).await.ok(cmd);
        };

        if matches!(want, Cancelled) {
            let f = step(&[("note", "No longer needed")]);
            run(sender, "cancel", f).await;
            assert_eq!(status_of(app, &id), want.as_str());
            return made;
        }

        if approval {
            let owned_patient;
            let patient = match self.patient_session {
                Some(s) => s,
                None => {
                    owned_patient = app.login(&patient_email(app, &pid), PW).await;
                    &owned_patient
                }
            };
            if want == DeclinedByPatient {
                let f = step(&[("note", "Not now, thank you")]);
                run(patient, "decline", f).await;
                assert_eq!(status_of(app, &id), want.as_str());
                return made;
            }
            run(patient, "approve", Vec::new()).await;
            assert_eq!(status_of(app, &id), Sent.as_str(), "after the approval");
            if want == Sent {
                return made;
            }
        }

        let owned_receiver;
        let receiver = match self.receiver_session {
            Some(s) => s,
            None => {
                let email = self.receiver_email().expect("a receiver in the network");
                owned_receiver = app.login(&email, PW).await;
                &owned_receiver
            }
        };
        match want {
            NeedInfo => {
                let f = step(&[("note", "Recent ECG")]);
                run(receiver, "request_info", f).await;
            }
            VisitRequired => {
                let f = step(&[("note", "Please come in first")]);
                run(receiver, "require_visit", f).await;
            }
            Rejected => {
                let f = step(&[("code", "out_of_scope"), ("note", "Please refer elsewhere")]);
                run(receiver, "reject", f).await;
            }
            Accepted => run(receiver, "accept", step(&[])).await,
            Completed => {
                run(receiver, "accept", Vec::new()).await;
                let f = step(&[
                    ("summary", "Stable angina"),
                    ("advice", "Review in 3 months"),
                ]);
                run(receiver, "complete", f).await;
            }
            Returned => {
                let f = step(&[(
                    "advice",
                    "Try a beta blocker first; refer again if no better",
                )]);
                run(receiver, "return", f).await;
            }
            Answered => {
                let f = step(&[("advice", "Start a statin; no visit needed")]);
                run(receiver, "answer", f).await;
            }
            Converted => {
                let f = step(&[("start", "accepted")]);
                run(receiver, "convert", f).await;
            }
            Draft | AwaitingPatient | DeclinedByPatient | Sent | Cancelled => {
                unreachable!("handled above")
            }
            Expired => panic!("only the clock expires a referral: build it Sent and run the clock"),
        }
        assert_eq!(status_of(app, &id), want.as_str());
        made
    }
}

async fn post_compose(
    app: &TestApp,
    s: &Session,
    pid: &str,
    form: &ComposeForm,
    action: &str,
) -> Posted {
    let fields = form.fields(action);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body, location) = app
        .send(s, &format!("/patients/{pid}/referrals"), &fields)
        .await;
    Posted {
        status,
        body,
        location,
    }
}

fn approval_required(app: &TestApp, pid: &str) -> bool {
    use handoff::db::schema::{clinics, patients};
    patients::table
        .inner_join(clinics::table.on(clinics::id.eq(patients::clinic_id)))
        .filter(patients::id.eq(pid))
        .select(clinics::requires_patient_approval)
        .first(&mut *app.conn())
        .expect("the patient's clinic")
}

fn patient_email(app: &TestApp, pid: &str) -> String {
    use handoff::db::schema::{patients, users};
    patients::table
        .inner_join(users::table.on(users::id.nullable().eq(patients::user_id)))
        .filter(patients::id.eq(pid))
        .select(users::email)
        .first(&mut *app.conn())
        .expect("the patient has a portal account")
}

/// A referral's stored status.
pub fn status_of(app: &TestApp, id: &str) -> String {
    use handoff::db::schema::referrals;
    referrals::table
        .filter(referrals::id.eq(id))
        .select(referrals::status)
        .first(&mut *app.conn())
        .expect("the referral")
}

impl TestApp {
    /// Runs lifecycle command `cmd` (accept, reject, request_info, bring, ...) on a referral
    /// as `s`, the way its page does: opens the referral, takes the version and CSRF token
    /// from the command's form, posts `form` with them.
    pub async fn act(&self, s: &Session, id: &str, cmd: &str, form: &[(&str, &str)]) -> Posted {
        let (_, page) = self.get(&s.client, &format!("/referrals/{id}")).await;
        self.act_on_page(&s.client, &page, &format!("/referrals/{id}/{cmd}"), form)
            .await
    }

    /// Posts the form of `page` whose action is `action` with its version and CSRF token,
    /// plus `form`: for a page already open (the link page, whose every view is audited).
    pub async fn act_on_page(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        form: &[(&str, &str)],
    ) -> Posted {
        let version = version_in(page, action);
        let csrf = csrf_of(page);
        let mut f = vec![("csrf_token", csrf.as_str()), ("version", version.as_str())];
        f.extend_from_slice(form);
        let (status, body, location) = self.post(client, action, &f).await;
        Posted {
            status,
            body,
            location,
        }
    }

    /// How many audit rows match `q`.
    pub fn audit_count(&self, q: Audit<'_>) -> i64 {
        use handoff::db::schema::audit_events as a;
        // Loaded and filtered here rather than in SQL: one query shape for every filter,
        // on both backends, and test logs are small.
        let rows: Vec<(String, String, Option<String>)> = a::table
            .select((a::action, a::subject_id, a::actor_id))
            .load(&mut *self.conn())
            .unwrap();
        rows.iter()
            .filter(|(action, subject, actor)| {
                q.action.is_none_or(|x| x == action)
                    && q.subject.is_none_or(|x| x == subject)
                    && q.actor.is_none_or(|x| actor.as_deref() == Some(x))
            })
            .count() as i64
    }

    /// How many timeline events of these kinds a referral has.
    pub fn event_count(&self, referral_id: &str, kinds: &[&str]) -> i64 {
        use handoff::db::schema::referral_events as e;
        e::table
            .filter(e::referral_id.eq(referral_id))
            .filter(e::kind.eq_any(kinds))
            .count()
            .get_result(&mut *self.conn())
            .unwrap()
    }
}

/// Which audit rows to count: every row, or those of one action, narrowed by subject and
/// actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Audit<'a> {
    action: Option<&'a str>,
    subject: Option<&'a str>,
    actor: Option<&'a str>,
}

impl<'a> Audit<'a> {
    pub fn all() -> Self {
        Audit::default()
    }

    pub fn action(action: &'a str) -> Self {
        Audit {
            action: Some(action),
            ..Audit::default()
        }
    }

    /// Rows about this subject (a referral, a consent, a patient's chart, ...).
    pub fn subject(self, id: &'a str) -> Self {
        Audit {
            subject: Some(id),
            ..self
        }
    }

    /// Rows written for this actor's user id.
    pub fn by(self, user_id: &'a str) -> Self {
        Audit {
            actor: Some(user_id),
            ..self
        }
    }
}

/// The builder's own test: each state and each kind is reached through the forms, and the
/// sender's page shows it.
#[tokio::test]
async fn the_referral_builder_reaches_every_state_and_kind() {
    use handoff::db::schema::referrals;
    let app = TestApp::spawn().await;
    let gp = app.login(GP, PW).await;
    let harbour = app.login(OTHER_CLINIC_DOC, PW).await;
    let diya = app.login("diya.menon@patients.example", PW).await;
    let aarav = app.patient_id("Aarav Sharma");
    for want in FORM_STATES {
        let made = app.referral().by(&gp).in_state(want).await;
        assert_eq!(made.patient_id, aarav);
        assert_eq!(made.receiver_id, Some(app.user_id(OTHER_CLINIC_DOC)));
        let (_, page) = app
            .get(&gp.client, &format!("/referrals/{}", made.id))
            .await;
        assert!(
            page.contains(&format!("status-{}", want.as_str())),
            "{want:?}"
        );
    }
    // In a clinic that asks its patients, the patient's answer comes first.
    for want in [
        State::AwaitingPatient,
        State::DeclinedByPatient,
        State::Sent,
    ] {
        let made = app
            .referral()
            .by(&harbour)
            .patient("Diya Menon")
            .to("lakshmi.narayan@northgate.example")
            .patient_session(&diya)
            .in_state(want)
            .await;
        let (_, page) = app
            .get(&harbour.client, &format!("/referrals/{}", made.id))
            .await;
        assert!(
            page.contains(&format!("status-{}", want.as_str())),
            "{want:?}"
        );
    }
    for (kind, stored) in [
        (Kind::Specialist, "specialist"),
        (Kind::Admission, "admission"),
        (Kind::Lab, "lab"),
        (Kind::Imaging, "imaging"),
    ] {
        let made = app
            .referral()
            .by(&gp)
            .kind(kind)
            .in_state(State::Accepted)
            .await;
        assert_eq!(made.receiver_id, Some(app.user_id(kind.receiver())));
        let got: String = referrals::table
            .filter(referrals::id.eq(&made.id))
            .select(referrals::kind)
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(got, stored);
    }
    // Out of the network: sent by e-mail, and it can be withdrawn like any other.
    for want in [State::Sent, State::Cancelled] {
        let made = app
            .referral()
            .by(&gp)
            .outside(OutsideDoctor {
                name: "Dr Kiran Rao".into(),
                email: "dr.rao@heartcare.example".into(),
                specialty: "Cardiology".into(),
                practice: "HeartCare Pune".into(),
            })
            .in_state(want)
            .await;
        assert!(
            made.receiver_id.is_some(),
            "an account for the outside doctor"
        );
    }
}

/// The patient withdraws the first consent listed on their consents page, through its
/// form; returns the form's action below `/portal/consents/` (`<id>/withdraw`).
pub async fn withdraw_first_consent(app: &TestApp, patient: &Session) -> String {
    let (_, list) = app.get(&patient.client, "/portal/consents").await;
    let action = list
        .split("action=\"/portal/consents/")
        .nth(1)
        .expect("a consent to withdraw")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, _, _) = app
        .send(patient, &format!("/portal/consents/{action}"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "withdrawing {action}");
    action
}

/// The sender answers the referral's open ask (the receiver asked for a prior ECG): the
/// file "ecg.pdf" (containing "SECRET ECG") attached to it, and "SECRET-ANSWER 150/95".
pub async fn answer_the_ask_with_a_file(app: &TestApp, sender: &Session, id: &str) {
    use reqwest::multipart::{Form, Part};
    let (_, page) = app.get(&sender.client, &format!("/referrals/{id}")).await;
    let ask = open_ask_id(&page);
    let form = Form::new().text("ask_id", ask.clone()).part(
        "file",
        Part::bytes(b"%PDF-1.4\n% SECRET ECG\n%%EOF\n".to_vec()).file_name("ecg.pdf"),
    );
    let r = sender
        .client
        .post(app.url(&format!(
            "/referrals/{id}/attachments?csrf_token={}",
            sender.csrf
        )))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let key = format!("answer_{ask}");
    app.act(
        sender,
        id,
        "provide_info",
        &[(key.as_str(), "SECRET-ANSWER 150/95")],
    )
    .await
    .ok("provide_info");
}

/// A weekly analytics counter (`referral_stats.metric`) summed over `sender`'s referrals.
pub fn counter(app: &TestApp, metric: &str, sender: &str) -> i64 {
    use handoff::db::schema::referral_stats as s;
    let ns: Vec<i64> = s::table
        .filter(s::metric.eq(metric))
        .filter(s::sender_id.eq(sender))
        .select(s::n)
        .load(&mut *app.conn())
        .unwrap();
    ns.into_iter().sum()
}

/// The id of the ask a referral page offers to answer (its `answer_<id>` field).
pub fn open_ask_id(page: &str) -> String {
    page.split("name=\"answer_")
        .nth(1)
        .expect("an open ask")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}
