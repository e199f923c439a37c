// Written by hand, portable types only (see DESIGN section 9).

diesel::table! {
    clinics (id) {
        id -> Text,
        name -> Text,
        city -> Text,
        kind -> Text,
        requires_patient_approval -> Bool,
        show_booking_prompts -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        display_name -> Text,
        clinic_id -> Text,
        active -> Bool,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        email_notifications -> Bool,
        sign_in_alerts -> Bool,
        language -> Text,
    }
}

diesel::table! {
    practitioners (user_id) {
        user_id -> Text,
        clinic_id -> Text,
        title -> Text,
        specialty -> Text,
        city -> Text,
        languages -> Text,
        accepting_referrals -> Bool,
        bio -> Text,
        city_key -> Text,
        languages_key -> Text,
    }
}

diesel::table! {
    patients (id) {
        id -> Text,
        clinic_id -> Text,
        user_id -> Nullable<Text>,
        mrn -> Text,
        given_name -> Text,
        family_name -> Text,
        search_name -> Text,
        date_of_birth -> Text,
        sex -> Text,
        phone -> Text,
        email -> Text,
        created_at -> Timestamp,
        language -> Text,
    }
}

diesel::table! {
    care_relationships (patient_id, practitioner_id) {
        patient_id -> Text,
        practitioner_id -> Text,
        since -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        patient_id -> Text,
        description -> Text,
        onset -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    vitals (id) {
        id -> Text,
        patient_id -> Text,
        taken_at -> Timestamp,
        systolic -> Nullable<BigInt>,
        diastolic -> Nullable<BigInt>,
        heart_rate -> Nullable<BigInt>,
        temperature_dc -> Nullable<BigInt>,
        spo2 -> Nullable<BigInt>,
        weight_dag -> Nullable<BigInt>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    medications (id) {
        id -> Text,
        patient_id -> Text,
        name -> Text,
        dose -> Text,
        frequency -> Text,
        status -> Text,
        note -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    allergies (id) {
        id -> Text,
        patient_id -> Text,
        substance -> Text,
        reaction -> Text,
        severity -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        patient_id -> Text,
        practitioner_id -> Text,
        visited_on -> Text,
        reason -> Text,
        notes -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    chart_files (id) {
        id -> Text,
        patient_id -> Text,
        kind -> Text,
        title -> Text,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        email -> Text,
        attempted_at -> Timestamp,
        outcome -> Text,
        ip -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    /// A clinic's services (issue 15); `id` is the service's users row.
    services (id) {
        id -> Text,
        clinic_id -> Text,
        description -> Text,
        coordinator_id -> Nullable<Text>,
        min_age -> Nullable<BigInt>,
        max_age -> Nullable<BigInt>,
        sex -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_members (service_id, user_id) {
        service_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    /// A practitioner's absences and who covers for them (issue 15).
    away_periods (id) {
        id -> Text,
        user_id -> Text,
        covering_id -> Text,
        first_day -> Date,
        last_day -> Date,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        clinic_id -> Text,
        name -> Text,
        user_id -> Text,
        scopes -> Text,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    fhir_subscriptions (id) {
        id -> Text,
        client_id -> Text,
        user_id -> Text,
        criteria -> Text,
        endpoint -> Text,
        headers -> Text,
        with_payload -> Bool,
        status -> Text,
        error -> Nullable<Text>,
        cursor_at -> Timestamp,
        cursor_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fhir_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        referral_id -> Text,
        version -> BigInt,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    second_factors (user_id) {
        user_id -> Text,
        secret -> Text,
        enabled_at -> Timestamp,
        last_step -> BigInt,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clinic_security (clinic_id) {
        clinic_id -> Text,
        second_factor_required -> Bool,
    }
}

diesel::table! {
    throttle_events (id) {
        id -> Text,
        scope -> Text,
        client -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Text,
        on_behalf_of -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        patient_id -> Nullable<Text>,
        clinic_id -> Nullable<Text>,
        ip -> Text,
        user_agent -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_scopes (clinic_id, seq) {
        clinic_id -> Text,
        seq -> BigInt,
        action -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_head (id) {
        id -> BigInt,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    patient_links (id) {
        id -> Text,
        referral_id -> Text,
        patient_id -> Text,
        token_hash -> Text,
        nonce -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        uses -> BigInt,
    }
}

diesel::table! {
    practices (practitioner_id) {
        practitioner_id -> Text,
        location -> Text,
        visit_minutes -> BigInt,
        created_at -> Timestamp,
        time_zone -> Text,
    }
}

diesel::table! {
    practice_hours (id) {
        id -> Text,
        practitioner_id -> Text,
        weekday -> BigInt,
        start_minute -> BigInt,
        end_minute -> BigInt,
    }
}

diesel::table! {
    practice_days_off (practitioner_id, day) {
        practitioner_id -> Text,
        day -> Text,
    }
}

diesel::table! {
    appointments (id) {
        id -> Text,
        practitioner_id -> Text,
        patient_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        referral_id -> Nullable<Text>,
        created_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
        calendar_uid -> Nullable<Text>,
        calendar_seq -> BigInt,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        kind -> Text,
        patient_id -> Text,
        sender_id -> Text,
        sender_clinic_id -> Text,
        receiver_id -> Text,
        status -> Text,
        version -> BigInt,
        priority -> Text,
        priority_rank -> BigInt,
        see_by -> Nullable<Text>,
        reason -> Text,
        message -> Text,
        doctor_only -> Bool,
        snapshot -> Text,
        scope -> Text,
        what_to_bring -> Text,
        redirected_from -> Nullable<Text>,
        redirected_to -> Nullable<Text>,
        reject_code -> Nullable<Text>,
        reject_note -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
        outcome_summary -> Nullable<Text>,
        outcome_advice -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        waiting_since -> Timestamp,
    }
}

diesel::table! {
    referral_asks (id) {
        id -> Text,
        referral_id -> Text,
        round -> BigInt,
        position -> BigInt,
        text -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        referral_id -> Text,
        ask_id -> Nullable<Text>,
        purpose -> Text,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    referral_events (id) {
        id -> Text,
        referral_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Text,
        patient_visible -> Bool,
        acted_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Whom an assistant works for (issue 15).
    assistants (assistant_id, practitioner_id) {
        assistant_id -> Text,
        practitioner_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Drafts an assistant prepared for a practitioner to sign.
    drafts_to_sign (referral_id) {
        referral_id -> Text,
        principal_id -> Text,
        prepared_by -> Text,
        note -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        patient_id -> Text,
        referral_id -> Text,
        recipient_id -> Text,
        method -> Text,
        scope -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    threads (id) {
        id -> Text,
        kind -> Text,
        a_id -> Text,
        b_id -> Text,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        thread_id -> Text,
        author_id -> Nullable<Text>,
        body -> Text,
        referral_id -> Nullable<Text>,
        card -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thread_reads (thread_id, user_id) {
        thread_id -> Text,
        user_id -> Text,
        last_read_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        referral_id -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    external_doctors (user_id) {
        user_id -> Text,
        created_at -> Timestamp,
        email -> Text,
    }
}

diesel::table! {
    practitioner_invitations (id) {
        id -> Text,
        user_id -> Text,
        clinic_id -> Text,
        email -> Text,
        display_name -> Text,
        title -> Text,
        specialty -> Text,
        city -> Text,
        languages -> Text,
        accepting_referrals -> Bool,
        token_hash -> Text,
        nonce -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    external_links (id) {
        id -> Text,
        referral_id -> Text,
        token_hash -> Text,
        nonce -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        uses -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        to_addr -> Text,
        to_name -> Text,
        subject -> Text,
        body -> Text,
        referral_id -> Nullable<Text>,
        link_id -> Nullable<Text>,
        attach_letter -> Bool,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        failure -> Nullable<Text>,
        invitation_id -> Nullable<Text>,
        calendar -> Nullable<Text>,
        patient_link_id -> Nullable<Text>,
        appointment_id -> Nullable<Text>,
    }
}

diesel::table! {
    inbound_mail (message_key) {
        message_key -> Text,
        referral_id -> Text,
        outcome -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    held_replies (id) {
        id -> Text,
        referral_id -> Text,
        from_addr -> Text,
        reason -> Text,
        note -> Text,
        file_names -> Text,
        raw_name -> Text,
        received_at -> Timestamp,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clinic_stats (clinic_id, side, metric, week, detail, bucket) {
        clinic_id -> Text,
        side -> Text,
        metric -> Text,
        week -> Text,
        detail -> Text,
        bucket -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    due_days (side, user_id, day, status) {
        side -> Text,
        user_id -> Text,
        day -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    practitioner_stats (user_id, side, metric, week, detail, bucket) {
        user_id -> Text,
        side -> Text,
        metric -> Text,
        week -> Text,
        detail -> Text,
        bucket -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    clinic_receiver_stats (sender_clinic_id, metric, week, receiver_id, receiver_clinic_id, detail, bucket) {
        sender_clinic_id -> Text,
        metric -> Text,
        week -> Text,
        receiver_id -> Text,
        receiver_clinic_id -> Text,
        detail -> Text,
        bucket -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    referral_stats (week, sender_id, receiver_id, metric, detail, bucket) {
        week -> Text,
        sender_id -> Text,
        receiver_id -> Text,
        sender_clinic_id -> Text,
        receiver_clinic_id -> Text,
        metric -> Text,
        detail -> Text,
        bucket -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    /// The same `referrals` table, seen through the columns a transition writes and the
    /// clock reads. Diesel's tables stop at 32 columns without its 64-column feature (which
    /// doubles diesel's own build), and `due_at` is the 33rd; `referrals` above leaves it out.
    /// Never join the two: they are one table.
    #[sql_name = "referrals"]
    referral_moves (id) {
        id -> Text,
        kind -> Text,
        status -> Text,
        version -> BigInt,
        priority -> Text,
        see_by -> Nullable<Text>,
        patient_id -> Text,
        sender_id -> Text,
        sender_clinic_id -> Text,
        receiver_id -> Text,
        updated_at -> Timestamp,
        waiting_since -> Timestamp,
        due_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        redirected_to -> Nullable<Text>,
        reject_code -> Nullable<Text>,
        reject_note -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
        outcome_summary -> Nullable<Text>,
        outcome_advice -> Nullable<Text>,
        /// Generated: the submission time while the loop is open, else NULL (read only).
        open_since -> Nullable<Timestamp>,
        /// The practitioner the referral was addressed to, when a colleague covering for
        /// them received it (migration `cover`).
        covering_for -> Nullable<Text>,
        /// The service the referral was addressed to (migration `services`).
        service_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// How many referrals each user has sent and been sent, per status (kept by triggers).
    referral_counts (user_id, side, status) {
        user_id -> Text,
        side -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// How many referrals each receiver has from each sender, per status (kept by triggers).
    referral_pairs (receiver_id, sender_id, status) {
        receiver_id -> Text,
        sender_id -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    clinic_clocks (clinic_id) {
        clinic_id -> Text,
        routine_triage_days -> BigInt,
        urgent_triage_days -> BigInt,
        emergency_triage_hours -> BigInt,
        need_info_days -> BigInt,
        approval_days -> BigInt,
        book_visit_days -> BigInt,
        outcome_days -> BigInt,
        remind_before_hours -> BigInt,
        escalate_after_days -> BigInt,
        expire_after_days -> BigInt,
        auto_close_days -> BigInt,
        holidays -> Text,
        time_zone -> Text,
        updated_at -> Timestamp,
        advice_days -> BigInt,
    }
}

diesel::table! {
    clock_reminders (referral_id, due_at, stage) {
        referral_id -> Text,
        due_at -> Timestamp,
        stage -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    jobs (name) {
        name -> Text,
        every_seconds -> BigInt,
        next_run_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        runs -> BigInt,
        failures -> BigInt,
    }
}

diesel::joinable!(users -> clinics (clinic_id));
diesel::joinable!(clinic_clocks -> clinics (clinic_id));
diesel::joinable!(clock_reminders -> referral_moves (referral_id));
diesel::joinable!(practitioners -> users (user_id));
diesel::joinable!(practitioners -> clinics (clinic_id));
diesel::joinable!(patients -> clinics (clinic_id));
diesel::joinable!(care_relationships -> patients (patient_id));
diesel::joinable!(care_relationships -> users (practitioner_id));
diesel::joinable!(referrals -> patients (patient_id));
diesel::joinable!(referral_events -> referrals (referral_id));
diesel::joinable!(messages -> threads (thread_id));

diesel::table! {
    questions (referral_id) {
        referral_id -> Text,
        may_convert -> Bool,
        recommends -> Bool,
        made_referral_id -> Nullable<Text>,
        made_how -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    services,
    service_members,
    away_periods,
    api_clients,
    fhir_subscriptions,
    fhir_deliveries,
    questions,
    referral_counts,
    referral_pairs,
    clinics,
    clinic_clocks,
    clock_reminders,
    jobs,
    referral_moves,
    assistants,
    drafts_to_sign,
    users,
    practitioners,
    patients,
    care_relationships,
    complaints,
    vitals,
    medications,
    allergies,
    visits,
    chart_files,
    sessions,
    login_attempts,
    audit_events,
    audit_scopes,
    audit_head,
    patient_links,
    practices,
    practice_hours,
    practice_days_off,
    appointments,
    referrals,
    referral_events,
    referral_asks,
    attachments,
    consents,
    threads,
    messages,
    thread_reads,
    notifications,
    external_doctors,
    practitioner_invitations,
    external_links,
    outbox,
    inbound_mail,
    held_replies,
    referral_stats,
    clinic_stats,
    practitioner_stats,
    clinic_receiver_stats,
    due_days,
);
