//! The one URL table. Every route the app serves is listed here, once; the list is also
//! exported as data so tests can walk every route (CSRF on every POST, access per role).

use actix_web::web;

use super::{
    account, admin, admin_api, analytics, assets, audit, auth, directory, external, fhir, home,
    join, metrics, patient_link, patients, portal, referrals, schedule, security, threads,
};

/// The route for a method of the table: a GET route answers HEAD too (the same handler;
/// the server sends the headers without the body), as HTTP expects of every GET.
fn method(m: &str) -> actix_web::Route {
    use actix_web::guard;
    match m {
        "get" => web::route().guard(guard::Any(guard::Get()).or(guard::Head())),
        _ => web::post(),
    }
}

macro_rules! route_table {
    ($( $method:ident $path:literal => $handler:path ),* $(,)?) => {
        /// (method, path pattern) of every route, in table order.
        pub const ROUTES: &[(&str, &str)] = &[ $( (stringify!($method), $path) ),* ];

        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.route($path, method(stringify!($method)).to($handler)); )*
        }
    };
}

route_table! {
    get  "/"                                     => home::home_page,
    get  "/healthz"                              => home::health,
    get  "/readyz"                               => home::ready,
    // Prometheus; 404 unless HANDOFF_METRICS_TOKEN is set (or on HANDOFF_METRICS_ADDR only).
    get  "/metrics"                              => metrics::metrics_page,
    get  "/static/app.css"                       => assets::css,
    get  "/static/favicon.svg"                   => assets::icon,
    get  "/login"                                => auth::login_page,
    post "/login"                                => auth::login_submit,
    post "/logout"                               => auth::logout_submit,
    get  "/login/code"                           => security::code_page,
    post "/login/code"                           => security::code_submit,
    get  "/account/second-factor"                => security::second_factor_page,
    post "/account/second-factor"                => security::second_factor_submit,
    get  "/account/sessions"                     => security::sessions_page,
    post "/account/sessions/end-others"          => security::sessions_end_others,
    post "/account/sessions/{id}/end"            => security::session_end,
    post "/account/sign-in-alerts"               => security::alerts_submit,
    get  "/account/password"                     => account::password_page,
    post "/account/password"                     => account::password_submit,
    post "/account/notifications"                => account::notifications_submit,
    post "/language"                             => account::language_submit,
    get  "/patients"                             => patients::list_page,
    get  "/patients/new"                         => patients::new_page,
    post "/patients"                             => patients::create_submit,
    get  "/patients/{id}"                        => patients::profile_page,
    post "/patients/{id}/complaints"             => patients::complaint_submit,
    post "/patients/{id}/vitals"                 => patients::vitals_submit,
    post "/patients/{id}/medications"            => patients::medication_submit,
    post "/patients/{id}/allergies"              => patients::allergy_submit,
    post "/patients/{id}/visits"                 => patients::visit_submit,
    post "/patients/{id}/files"                  => patients::file_submit,
    get  "/patients/{id}/files/{file_id}"        => patients::file_download,
    post "/patients/{id}/care-team"              => patients::care_team_submit,
    post "/patients/{id}/care-team/{user_id}/remove" => patients::care_team_remove_submit,
    get  "/patients/{id}/refer"                  => referrals::search::search_page,
    get  "/patients/{id}/refer/new"              => referrals::compose::compose_page,
    post "/patients/{id}/referrals"              => referrals::compose::create_submit,
    get  "/referrals/{id}"                       => referrals::show::show_page,
    get  "/referrals/{id}/edit"                  => referrals::compose::edit_page,
    post "/referrals/{id}/edit"                  => referrals::compose::edit_submit,
    post "/referrals/{id}/submit"                => referrals::commands::submit_submit,
    post "/referrals/{id}/approve"               => referrals::commands::approve_submit,
    post "/referrals/{id}/decline"               => referrals::commands::decline_submit,
    post "/referrals/{id}/request_info"          => referrals::commands::request_info_submit,
    post "/referrals/{id}/provide_info"          => referrals::commands::provide_info_submit,
    post "/referrals/{id}/require_visit"         => referrals::commands::require_visit_submit,
    post "/referrals/{id}/accept"                => referrals::commands::accept_submit,
    post "/referrals/{id}/reject"                => referrals::commands::reject_submit,
    post "/referrals/{id}/complete"              => referrals::commands::complete_submit,
    post "/referrals/{id}/cancel"                => referrals::commands::cancel_submit,
    post "/referrals/{id}/answer"                => referrals::commands::answer_submit,
    post "/referrals/{id}/convert"               => referrals::commands::convert_submit,
    post "/referrals/{id}/return"                => referrals::commands::return_submit,
    post "/referrals/{id}/recommended"           => referrals::commands::recommended_submit,
    post "/referrals/{id}/share-advice"          => referrals::commands::share_advice_submit,
    get  "/referrals/{id}/redirect"              => referrals::compose::redirect_page,
    post "/referrals/{id}/bring"                 => referrals::commands::bring_submit,
    post "/referrals/{id}/outcome-draft"         => referrals::commands::outcome_draft_submit,
    post "/referrals/{id}/attachments"           => referrals::files::attach_submit,
    get  "/referrals/{id}/attachments/{file_id}" => referrals::files::attachment_download,
    get  "/referrals/{id}/letter.pdf"            => external::letter_download,
    get  "/referrals/{id}/fhir"                  => fhir::export_download,
    post "/referrals/{id}/link/revoke"           => external::revoke_submit,
    post "/referrals/{id}/link/resend"           => external::resend_submit,
    post "/referrals/{id}/patient-link/withdraw" => patient_link::withdraw_submit,
    post "/referrals/{id}/patient-link/send"     => patient_link::resend_submit,
    post "/referrals/{id}/address"               => referrals::mail::address_submit,
    post "/referrals/{id}/held/{held_id}/post"   => referrals::mail::held_post_submit,
    post "/referrals/{id}/held/{held_id}/discard" => referrals::mail::held_discard_submit,
    get  "/p/{token}"                            => patient_link::page,
    post "/p/{token}/approve"                    => patient_link::approve_submit,
    post "/p/{token}/decline"                    => patient_link::decline_submit,
    post "/p/{token}/book"                       => patient_link::book_submit,
    post "/p/{token}/appointments/{id}/cancel"   => patient_link::cancel_submit,
    get  "/l/{token}"                            => external::link_page,
    get  "/l/{token}/letter.pdf"                 => external::link_letter,
    get  "/l/{token}/files/{file_id}"            => external::link_file,
    post "/l/{token}/accept"                     => external::link_accept_submit,
    post "/l/{token}/request_info"               => external::link_request_info_submit,
    post "/l/{token}/reject"                     => external::link_reject_submit,
    post "/l/{token}/complete"                   => external::link_complete_submit,
    post "/l/{token}/reply"                      => external::link_reply_submit,
    // The FHIR API: bearer tokens of API clients, no session, no CSRF (it takes no POST yet).
    get  "/fhir/r4/metadata"                     => fhir::metadata,
    get  "/fhir/r4/{type}"                       => fhir::search,
    get  "/fhir/r4/{type}/{id}"                  => fhir::read,
    // Called by an MTA with a bearer token; the one POST without a CSRF token.
    post "/ingest/mail"                          => external::ingest_submit,
    get  "/inbox"                                => referrals::lists::inbox_page,
    get  "/sent"                                 => referrals::lists::sent_page,
    get  "/practitioners/{id}"                   => directory::profile_page,
    post "/practitioners/{id}/book"              => schedule::book_submit,
    get  "/practice"                             => schedule::practice_page,
    post "/practice"                             => schedule::practice_submit,
    get  "/appointments"                         => schedule::appointments_page,
    post "/appointments/{id}/cancel"             => schedule::cancel_submit,
    post "/appointments/{id}/attended"           => schedule::attended_submit,
    post "/appointments/{id}/no_show"            => schedule::no_show_submit,
    get  "/threads"                              => threads::list_page,
    get  "/threads/{id}"                         => threads::show_page,
    post "/threads/{id}"                         => threads::post_submit,
    get  "/notifications"                        => threads::notifications_page,
    get  "/portal"                               => portal::portal_page,
    get  "/portal/referrals"                     => referrals::lists::patient_list_page,
    get  "/portal/access"                        => audit::access_page,
    get  "/portal/consents"                      => audit::consents_page,
    post "/portal/consents/{id}/withdraw"        => audit::withdraw_submit,
    get  "/analytics"                            => analytics::analytics_page,
    get  "/analytics.csv"                        => analytics::analytics_csv,
    get  "/admin/audit"                          => audit::audit_page,
    get  "/admin/audit.csv"                      => audit::audit_csv,
    post "/admin/audit/checkpoint"               => audit::checkpoint_submit,
    get  "/admin"                                => admin::admin_page,
    post "/admin/settings"                       => admin::settings_submit,
    get  "/admin/clock"                          => admin::clock_page,
    post "/admin/clock"                          => admin::clock_submit,
    get  "/admin/practitioners/new"              => admin::new_practitioner_page,
    post "/admin/practitioners"                  => admin::create_practitioner_submit,
    get  "/admin/practitioners/{id}"             => admin::edit_practitioner_page,
    post "/admin/practitioners/{id}"             => admin::update_practitioner_submit,
    post "/admin/practitioners/{id}/second-factor/reset" => admin::reset_second_factor_submit,
    post "/admin/invitations/{id}/withdraw"      => admin::withdraw_invitation_submit,
    get  "/admin/api-clients"                    => admin_api::page,
    post "/admin/api-clients"                    => admin_api::create_submit,
    post "/admin/api-clients/{id}/revoke"        => admin_api::revoke_submit,
    get  "/join/{token}"                         => join::join_page,
    post "/join/{token}"                         => join::join_submit,
}
