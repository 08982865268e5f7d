//! `vaora-server`: runs the reference backend, on an embedded SQLite file (one machine) or on a
//! PostgreSQL database shared by several server processes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use vaora_protocol::venue_code;
use vaora_server::app::{router, AppState};
use vaora_server::limits::RateLimit;
use vaora_server::store;
use vaora_server::{keys, seed};

/// Vaora reference check-in server.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Options {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "VAORA_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database file, created on first run; the signing key is kept beside it.
    #[arg(long, env = "VAORA_DB", default_value = "data/vaora.sqlite")]
    db: PathBuf,
    /// PostgreSQL instead of SQLite (`postgres://user@host/db`); needs --signing-key and
    /// --admin-token, which every server process on that database must share.
    #[arg(long, env = "VAORA_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The Ed25519 venue-code signing key; created on first run. Default: beside --db.
    #[arg(long, env = "VAORA_SIGNING_KEY")]
    signing_key: Option<PathBuf>,
    /// Folder with the built app (`pkg/`) to serve; the API alone when absent.
    #[arg(long = "static", env = "VAORA_STATIC")]
    static_dir: Option<PathBuf>,
    /// Base URL printed into poster links; defaults to http://<addr>.
    #[arg(long, env = "VAORA_PUBLIC_URL")]
    public_url: Option<String>,
    /// Bearer token for admin reads; generated into `<db>.admin-token` when not given.
    #[arg(long, env = "VAORA_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Administrative units (CSV: code,name,type,parent) loaded when the database has none yet,
    /// e.g. the official list `cargo xtask serve` fetches.
    #[arg(long, env = "VAORA_UNITS")]
    units: Option<PathBuf>,
    /// Register a demo venue when the database has none.
    #[arg(long)]
    seed_demo: bool,
    /// Origin of a portal that embeds the widget and may call the API (repeatable, or
    /// comma-separated in the variable), e.g. https://dichvucong.example.vn.
    #[arg(
        long = "cors-origin",
        env = "VAORA_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// API requests allowed per second per client address, on average (0: no limit).
    #[arg(long, env = "VAORA_RATE_LIMIT", default_value_t = 20)]
    rate_limit: u32,
    /// Requests a client may send at once before the average applies.
    #[arg(long, env = "VAORA_RATE_BURST", default_value_t = 100)]
    rate_burst: u32,
    /// Days check-ins are kept; older ones are deleted every hour, and each purge is recorded.
    #[arg(long, env = "VAORA_RETENTION_DAYS", default_value_t = vaora_server::retention::DEFAULT_RETENTION_DAYS)]
    retention_days: u32,
    /// The server is behind a reverse proxy: clients are told apart by the address the proxy
    /// appends to X-Forwarded-For.
    #[arg(long, env = "VAORA_BEHIND_PROXY")]
    behind_proxy: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Options::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vaora-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let admin_token = options.admin_token.filter(|token| !token.is_empty());
    let (store, database, key_path, admin_token) = match &options.database_url {
        Some(url) => {
            let key_path = options.signing_key.clone().ok_or(
                "--database-url needs --signing-key FILE: every server process must sign with the same key",
            )?;
            let admin_token = admin_token.ok_or(
                "--database-url needs --admin-token (or VAORA_ADMIN_TOKEN), the same for every server process",
            )?;
            let store = store::open(url)
                .await
                .map_err(|err| format!("PostgreSQL: {err}"))?;
            (store, "PostgreSQL".to_owned(), key_path, admin_token)
        }
        None => {
            let db = &options.db;
            if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
            }
            let location = db.to_str().ok_or("--db must be a UTF-8 path")?;
            let store = store::open(location)
                .await
                .map_err(|err| format!("{}: {err}", db.display()))?;
            let key_path = options
                .signing_key
                .clone()
                .unwrap_or_else(|| keys::key_path_for(db));
            let admin_token = match admin_token {
                Some(token) => token,
                None => admin_token_beside(db)?,
            };
            (store, db.display().to_string(), key_path, admin_token)
        }
    };
    let signer = keys::load_or_create(&key_path)
        .map_err(|err| format!("signing key {}: {err}", key_path.display()))?;

    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", options.addr))?;
    let addr = listener.local_addr().map_err(|err| err.to_string())?;
    let public_url = options
        .public_url
        .unwrap_or_else(|| format!("http://{addr}"));

    if let Some(path) = &options.units {
        load_units(&store, path).await?;
    }

    println!("Vaora reference server");
    println!("  app:       {public_url}/");
    let demo = if options.seed_demo {
        let venue = seed::ensure_demo_venue(&store, &signer)
            .await
            .map_err(|err| format!("seeding the demo venue: {err}"))?;
        Some(venue)
    } else {
        None
    };
    if let Some(demo) = &demo {
        let code = demo.short_code.as_str();
        println!(
            "  poster:    {}",
            venue_code::poster_url(&public_url, &demo.venue_code)
        );
        println!("  printable: {public_url}/v1/venues/{code}/poster.svg (or .pdf)");
        println!(
            "  venue:     {} (short code {})",
            demo.name,
            demo.short_code.display()
        );
    }
    println!("  database:  {database}");
    println!(
        "  key:       {} (kid {})",
        key_path.display(),
        signer.key_id()
    );

    let cors_origins = options
        .cors_origins
        .iter()
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            axum::http::HeaderValue::from_str(origin.trim_end_matches('/'))
                .map_err(|_| format!("--cors-origin {origin:?} is not a valid origin"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let state = AppState::new(store, signer, &admin_token, &public_url)
        .with_cors_origins(cors_origins)
        .with_retention_days(options.retention_days)
        .with_rate_limit(RateLimit::new(
            options.rate_limit,
            options.rate_burst,
            options.behind_proxy,
        ));
    state
        .trust
        .activate(
            &state.store,
            state.signer.trusted_key(),
            vaora_server::app::now_ms(),
        )
        .await
        .map_err(|err| format!("signing key {}: {err}", key_path.display()))?;
    if let Some(demo) = &demo {
        // A fresh staff token at every start: the demo's kiosks sign in with these links.
        let (_, staff_url) = vaora_server::routes::staff::issue_venue_token(&state, demo)
            .await
            .map_err(|_| "issuing the demo venue's staff token".to_string())?;
        let fragment = staff_url
            .rsplit_once('#')
            .map_or("", |(_, fragment)| fragment);
        println!("  staff:     {staff_url}");
        println!("  embedded:  {public_url}/embed/#{fragment}");
    }
    // Last: whoever started the server reads the lines above until this one.
    println!("listening on http://{addr}");
    keep_trust_fresh(&state);
    keep_unit_codes_fresh(&state);
    vaora_server::retention::spawn_purger(state.store.clone(), state.retention_days);
    let app = router(state, options.static_dir)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| err.to_string())?;
    // Whoever started the server may be gone (a closed pipe): stopping must not panic.
    let _ = writeln!(std::io::stdout(), "stopped");
    Ok(())
}

/// Imports the units in `path` unless the store already has a set (an operator's import wins).
async fn load_units(store: &store::Store, path: &std::path::Path) -> Result<(), String> {
    if store.unit_count().await.map_err(|err| err.to_string())? > 0 {
        return Ok(());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("--units {}: {err}", path.display()))?;
    let units = vaora_server::units::parse_csv(&text)
        .map_err(|err| format!("--units {}: {err}", path.display()))?;
    store
        .replace_units(units)
        .await
        .map_err(|err| format!("loading units: {err}"))
}

/// Other server processes may revoke keys or switch the programme off: re-read now and then.
fn keep_trust_fresh(state: &AppState) {
    let (trust, store) = (state.trust.clone(), state.store.clone());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(vaora_server::trust::REFRESH_EVERY);
        loop {
            every.tick().await;
            if let Err(err) = trust.refresh(&store).await {
                eprintln!("refreshing keys and programme state: {err}");
            }
        }
    });
}

/// Other server processes may import a unit list: re-read its codes now and then.
fn keep_unit_codes_fresh(state: &AppState) {
    let (codes, store) = (state.unit_codes.clone(), state.store.clone());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(vaora_server::unit_codes::REFRESH_EVERY);
        loop {
            every.tick().await;
            if let Err(err) = codes.refresh(&store).await {
                eprintln!("refreshing the unit codes: {err}");
            }
        }
    });
}

/// Reads `<db>.admin-token`, creating it with a random token on first run.
fn admin_token_beside(db: &std::path::Path) -> Result<String, String> {
    let mut name = db.as_os_str().to_owned();
    name.push(".admin-token");
    let path = PathBuf::from(name);
    match std::fs::read_to_string(&path) {
        Ok(token) => Ok(token.trim().to_owned()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let token = keys::random_token();
            keys::write_private(&path, token.as_bytes())
                .map_err(|err| format!("{}: {err}", path.display()))?;
            Ok(token)
        }
        Err(err) => Err(format!("{}: {err}", path.display())),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed the server simply runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
