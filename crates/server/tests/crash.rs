//! Crash consistency: the real server binary under load is killed with SIGKILL; after a restart
//! on the same database, every check-in it had acknowledged is there, stored once (sent again,
//! it is answered as a replay). For SQLite always, for PostgreSQL when
//! `VAORA_TEST_DATABASE_URL` is set (`cargo xtask test` sets it).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vaora_loadgen::{replay, run, Config, Load, Replay};
use vaora_server::store::postgres::ScratchDatabase;

/// A running `vaora-server` and what it printed on start.
struct Server {
    child: Child,
    base_url: String,
    venue_code: String,
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vaora-server"))
        .args(["--addr", "127.0.0.1:0", "--seed-demo", "--rate-limit", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start vaora-server");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let (mut base_url, mut venue_code) = (None, None);
    for line in lines.by_ref() {
        let line = line.expect("server output");
        if let Some(poster) = line.trim().strip_prefix("poster:") {
            venue_code = poster.split_once('#').map(|(_, code)| code.to_owned());
        }
        if let Some(url) = line.strip_prefix("listening on ") {
            base_url = Some(url.trim().to_owned());
            break;
        }
    }
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server {
        child,
        base_url: base_url.expect("the server printed its address"),
        venue_code: venue_code.expect("the server printed the demo poster"),
    }
}

async fn kill_under_load_and_check(args: &[&str]) {
    let mut server = start(args);
    let config = Config {
        base_url: server.base_url.clone(),
        venue_code: server.venue_code.clone(),
        load: Load::Saturate { connections: 32 },
        duration: Duration::from_secs(3),
        max_requests: u64::MAX,
    };
    let load = tokio::spawn(run(config.clone()));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().expect("SIGKILL the server"); // Child::kill is SIGKILL on Unix
    server.child.wait().expect("reap");
    let report = load.await.expect("load task").expect("load ran");
    assert!(
        report.acknowledged.len() > 100,
        "the server acknowledged check-ins before the kill ({})",
        report.acknowledged.len()
    );
    assert!(report.failed > 0, "requests failed after the kill");
    eprintln!(
        "crash test: {} acknowledged before SIGKILL, {} failed",
        report.acknowledged.len(),
        report.failed
    );

    let mut restarted = start(args);
    assert_eq!(restarted.venue_code, server.venue_code, "same database");
    let again = Config {
        base_url: restarted.base_url.clone(),
        ..config
    };
    let answers = replay(&again, &report.acknowledged).await.expect("replay");
    let lost: Vec<_> = report
        .acknowledged
        .iter()
        .zip(&answers)
        .filter(|(_, answer)| **answer != Replay::Stored)
        .collect();
    restarted.child.kill().expect("stop the server");
    let _ = restarted.child.wait();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged check-ins not found stored once after the crash: {:?}",
        lost.len(),
        report.acknowledged.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_check_in_through_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("vaora.sqlite");
    kill_under_load_and_check(&["--db", path(&db)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_check_in_through_sigkill() {
    let Some(url) = std::env::var("VAORA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("crash test: PostgreSQL not tested (VAORA_TEST_DATABASE_URL unset)");
        return;
    };
    let database = ScratchDatabase::create(&url, "vaora_crash")
        .await
        .expect("create a database on VAORA_TEST_DATABASE_URL");
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("signing-key");
    kill_under_load_and_check(&[
        "--database-url",
        &database.url,
        "--signing-key",
        path(&key),
        "--admin-token",
        "crash-test-token",
    ])
    .await;
    database.drop_now().await;
}

fn path(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}
