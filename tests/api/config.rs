use std::process::Command;

#[test]
fn an_unknown_database_url_is_refused_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("handoff-cfg-{}", uuid::Uuid::now_v7()));
    for url in [
        "mysql://root@localhost/handoff",
        "host=localhost dbname=handoff",
        "handoff.db",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .args(["--data-dir", dir.to_str().unwrap(), "migrate"])
            .env("DATABASE_URL", url)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unsupported database URL scheme"),
            "{url}: {err}"
        );
        let leftovers = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(leftovers, 0, "no SQLite file was created for {url}");
    }
}

#[test]
fn both_migration_folders_hold_the_same_migrations() {
    let names = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        v.sort();
        v
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
    for m in &sqlite {
        for f in ["up.sql", "down.sql"] {
            for b in ["sqlite", "postgres"] {
                assert!(
                    std::path::Path::new(&format!(
                        "{}/migrations/{b}/{m}/{f}",
                        env!("CARGO_MANIFEST_DIR")
                    ))
                    .exists()
                );
            }
        }
    }
}

#[test]
fn help_documents_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_handoff"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for s in [
        "DATABASE_URL",
        "HANDOFF_DATA_DIR",
        "HANDOFF_SESSION_SECRET",
        "HANDOFF_SECURE_COOKIES",
        "serve",
        "migrate",
        "seed",
        "create-user",
    ] {
        assert!(help.contains(s), "--help mentions {s}");
    }
}

#[test]
fn handoff_jobs_shows_what_is_due_and_runs_it_under_the_lease() {
    let dir = std::env::temp_dir().join(format!("handoff-jobs-{}", uuid::Uuid::now_v7()));
    let jobs = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .args(["--data-dir", dir.to_str().unwrap(), "jobs"])
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = jobs(&[]);
    for name in ["mail", "clock", "purge", "files"] {
        assert!(first.contains(&format!("{name} ")), "{first}");
    }
    assert!(
        first.contains("due now") && first.contains("never ran"),
        "{first}"
    );
    assert!(first.contains("referrals: 0 overdue"), "{first}");
    let ran = jobs(&["--run"]);
    assert!(ran.contains("ran clock: 0 reminded"), "{ran}");
    assert!(ran.contains("last run ok"), "{ran}");
    assert!(ran.contains("1 runs, 0 failed"), "{ran}");
    // Nothing is due again before its interval: a second run runs nothing.
    let again = jobs(&["--run"]);
    assert!(!again.contains("ran clock"), "{again}");
    let _ = std::fs::remove_dir_all(&dir);
}
