//! A doctor outside the network becoming a clinic's practitioner. Their account (and the
//! referrals already sent to it) is theirs to take over, so the clinic's admin cannot do it
//! alone: adding a practitioner at an outside doctor's address sends that address an
//! invitation, and only the person who reads that mailbox sets the password and joins.

use chrono::{Duration, NaiveDateTime};

use super::accounts::hash_password;
use super::{AuditEntry, Caller, MailConfig, Services, audit, audit_for_clinic};
use crate::db::{self, DbConn, invitations::Invitation, users::Practitioner};
use crate::domain::forms::FieldErrors;
use crate::domain::mail as rules;
use crate::domain::membership::{INVITATION_DAYS, InvitationState, invitation_state};
use crate::domain::people::{PractitionerProfile, check_new_password};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};

/// Invites the outside doctor `user_id` to join `clinic_id` with the profile the admin
/// entered, replacing the clinic's earlier open invitation to them; the invitation goes to
/// the outside doctor's own address. Runs in the admin's transaction.
pub fn invite(
    cfg: &MailConfig,
    c: &mut DbConn,
    caller: &Caller,
    (clinic_id, user_id): (&str, &str),
    profile: &PractitionerProfile,
    now: NaiveDateTime,
) -> AppResult<()> {
    let address = db::mail::outside_address(c, user_id)?.ok_or(AppError::NotFound)?;
    db::invitations::withdraw_open(c, clinic_id, user_id, now)?;
    let nonce = super::mail::new_nonce();
    let token = rules::invitation_token(&cfg.key, &nonce);
    let inv = Invitation {
        id: db::new_id(),
        user_id: user_id.into(),
        clinic_id: clinic_id.into(),
        email: address.clone(),
        display_name: profile.display_name.clone(),
        title: profile.title.clone(),
        specialty: profile.specialty.clone(),
        city: profile.city.clone(),
        languages: profile.languages.clone(),
        accepting_referrals: profile.accepting_referrals,
        token_hash: rules::token_hash(&token),
        nonce,
        invited_by: caller.user_id()?.into(),
        created_at: now,
        expires_at: now + Duration::days(INVITATION_DAYS),
        accepted_at: None,
        withdrawn_at: None,
    };
    db::invitations::insert(c, &inv)?;
    let clinic = db::clinics::get(c, clinic_id)?;
    queue_invitation(c, &inv, &clinic.name, now)?;
    audit(
        c,
        now,
        caller,
        AuditEntry {
            action: "practitioner_invited",
            subject_type: "user",
            subject_id: user_id,
            patient_id: None,
            detail: format!("{} at {address}", profile.display_name),
        },
    )
}

/// Queues a clinic's invitation to an outside doctor, to their own address. The mail names
/// the invitation; the worker puts its link where the body says `{join}` when it sends.
fn queue_invitation(
    c: &mut DbConn,
    inv: &db::invitations::Invitation,
    clinic: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let body = format!(
        "Dear {name},\n\n\
         {clinic} has added you to Handoff as one of its practitioners ({specialty}, {city}).\n\n\
         You already receive referrals through Handoff by e-mail at this address. Open this link\n\
         to choose a password and take over your account: the referrals sent to you so far move\n\
         into your Handoff inbox, and the links in earlier e-mails stop working.\n\n\
         {{join}}\n\n\
         The invitation is valid until {expires} UTC. If you did not expect it, ignore this\n\
         e-mail: nothing changes unless you open the link and choose a password.\n\n\
         -- \nHandoff, on behalf of {clinic}\n",
        name = inv.display_name,
        specialty = inv.specialty,
        city = inv.city,
        expires = inv.expires_at.format("%-d %B %Y %H:%M"),
    );
    let mut m = super::mail::new_mail(
        "practitioner_invitation",
        (&inv.email, &inv.display_name),
        format!("{clinic} invites you to join Handoff"),
        body,
        (None, None),
        now,
    );
    m.invitation_id = Some(inv.id.clone());
    db::mail::queue(c, &m)?;
    Ok(())
}

/// A clinic's open invitations, for its admin.
pub fn open_for_clinic(
    svc: &Services,
    caller: &Caller,
    clinic_id: &str,
) -> AppResult<Vec<(Invitation, bool)>> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    Ok(db::invitations::open_for_clinic(&mut conn, clinic_id)?
        .into_iter()
        .map(|i| {
            let state = invitation_state(false, false, i.expires_at, now);
            (i, state == InvitationState::Expired)
        })
        .collect())
}

/// Withdraws one of the clinic's open invitations: its link stops working.
pub fn withdraw(svc: &Services, caller: &Caller, clinic_id: &str, id: &str) -> AppResult<()> {
    caller.authorize(&Action::ManageClinic { clinic_id }, "/admin")?;
    let now = svc.now();
    let mut conn = svc.conn()?;
    db::write_tx(&mut conn, |c| {
        if !db::invitations::withdraw(c, clinic_id, id, now)? {
            // Not the clinic's, or already accepted or withdrawn: tell them which.
            let inv = db::invitations::get(c, id)?;
            if inv.clinic_id != clinic_id {
                return Err(AppError::NotFound);
            }
            return Err(AppError::Conflict(
                "This invitation was already accepted or withdrawn.".into(),
            ));
        }
        let inv = db::invitations::get(c, id)?;
        audit(
            c,
            now,
            caller,
            AuditEntry {
                action: "invitation_withdrawn",
                subject_type: "user",
                subject_id: &inv.user_id,
                patient_id: None,
                detail: inv.display_name.clone(),
            },
        )
    })
}

/// What the invited doctor sees before joining.
pub struct InvitationView {
    pub clinic_name: String,
    pub display_name: String,
    pub email: String,
    pub specialty: String,
    pub city: String,
    /// How many referrals already addressed to them move into their inbox.
    pub referrals: i64,
    pub expires_at: NaiveDateTime,
}

/// Finds an open invitation by its token: a wrong token is a 404 (and counts against the
/// address's limit, like a wrong link), an accepted, withdrawn or expired one a 410.
fn open_invitation(svc: &Services, c: &mut DbConn, token: &str, ip: &str) -> AppResult<Invitation> {
    let refused = |svc: &Services| -> AppResult<Invitation> {
        super::throttle::refused(svc, svc.link_limit, ip)?;
        Err(AppError::NotFound)
    };
    if !rules::token_well_formed(token) {
        return refused(svc);
    }
    let Some(inv) = db::invitations::by_hash(c, &rules::token_hash(token))? else {
        return refused(svc);
    };
    let state = invitation_state(
        inv.accepted_at.is_some(),
        inv.withdrawn_at.is_some(),
        inv.expires_at,
        svc.now(),
    );
    match state {
        InvitationState::Open => Ok(inv),
        InvitationState::Accepted => Err(AppError::Gone(
            "This invitation was already accepted. Sign in with your e-mail address and the password you chose.".into(),
        )),
        InvitationState::Withdrawn => Err(AppError::Gone(
            "The clinic withdrew this invitation. Ask its administrator for a new one.".into(),
        )),
        InvitationState::Expired => Err(AppError::Gone(
            "This invitation has run out. Ask the clinic's administrator to send a new one.".into(),
        )),
    }
}

/// The invitation a token stands for, for its page.
pub fn view(svc: &Services, caller: &Caller, token: &str) -> AppResult<InvitationView> {
    signed_out(caller)?;
    super::throttle::check(svc, svc.link_limit, &caller.ip)?;
    let mut conn = svc.conn()?;
    let inv = open_invitation(svc, &mut conn, token, &caller.ip)?;
    let clinic = db::clinics::get(&mut conn, &inv.clinic_id)?;
    Ok(InvitationView {
        clinic_name: clinic.name,
        referrals: db::mail::referrals_to(&mut conn, &inv.user_id)?,
        display_name: inv.display_name,
        email: inv.email,
        specialty: inv.specialty,
        city: inv.city,
        expires_at: inv.expires_at,
    })
}

fn signed_out(caller: &Caller) -> AppResult<()> {
    caller
        .authorize(&Action::JoinClinic, "/")
        .map_err(|_| {
            AppError::Forbidden(
                "You are signed in. Sign out first, then open the invitation link again: it sets up a new account.".into(),
            )
        })
}

/// Takes up an invitation: the outside doctor's account becomes the clinic's practitioner
/// account, signed in with their own address and the password they chose here, and the
/// referrals already sent to them move into their inbox (their e-mail links stop working).
/// Returns the address to sign in with.
pub fn accept(
    svc: &Services,
    caller: &Caller,
    token: &str,
    (password, confirm): (&str, &str),
) -> AppResult<String> {
    signed_out(caller)?;
    super::throttle::check(svc, svc.link_limit, &caller.ip)?;
    let mut conn = svc.conn()?;
    let inv = open_invitation(svc, &mut conn, token, &caller.ip)?;
    if let Err(m) = check_new_password(password, confirm, &[&inv.email, &inv.display_name]) {
        let mut e = FieldErrors::new();
        e.add("password", m);
        return Err(AppError::Invalid(e));
    }
    // Hashing takes tens of milliseconds: outside the write transaction.
    let hash = hash_password(password)?;
    let now = svc.now();
    db::write_tx(&mut conn, |c| {
        if !db::invitations::accept(c, &inv.id, now)? {
            return Err(AppError::Conflict(
                "This invitation was accepted, withdrawn or ran out meanwhile.".into(),
            ));
        }
        // The address may have become someone's sign-in address since the invitation.
        if db::users::email_taken(c, &inv.email, Some(&inv.user_id))? {
            return Err(AppError::Conflict(
                "An account with this e-mail address was created meanwhile. Ask the clinic's administrator to help.".into(),
            ));
        }
        if !db::mail::remove_external_doctor(c, &inv.user_id, &inv.email)? {
            return Err(AppError::Conflict(
                "This invitation no longer applies: you joined a clinic through another one, or the address it went to was changed. Ask the clinic's administrator for a new one.".into(),
            ));
        }
        db::invitations::make_account(
            c,
            &inv.user_id,
            (&inv.email, &inv.display_name, &inv.clinic_id),
            &hash,
            now,
        )?;
        let (_, old) = db::users::get_practitioner(c, &inv.user_id)?;
        db::users::update_practitioner(
            c,
            &Practitioner {
                user_id: inv.user_id.clone(),
                clinic_id: inv.clinic_id.clone(),
                title: inv.title.clone(),
                specialty: inv.specialty.clone(),
                city: inv.city.clone(),
                languages: inv.languages.clone(),
                accepting_referrals: inv.accepting_referrals,
                bio: old.bio,
            },
        )?;
        db::directory::refresh(c, &inv.user_id)?;
        let revoked = db::mail::revoke_links_to(c, &inv.user_id, now)?;
        audit_for_clinic(
            c,
            now,
            caller,
            Some(&inv.clinic_id),
            AuditEntry {
                action: "outside_doctor_joined",
                subject_type: "user",
                subject_id: &inv.user_id,
                patient_id: None,
                detail: format!(
                    "{} joined from outside the network; {revoked} e-mail link(s) ended",
                    inv.display_name
                ),
            },
        )?;
        Ok(inv.email.clone())
    })
}
