//! A throw-away PostgreSQL server for the tests and benchmarks: Debian's packages (installed
//! with apt-get when missing and running as root), a fresh cluster in a temp dir, loopback only,
//! trust auth, stopped and deleted when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::tools;

/// A running server; `url()` is where the tests may create databases.
pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Set when running as root: the server runs as Debian's `postgres` user.
    as_user: Option<&'static str>,
    server: Child,
}

impl TempPostgres {
    /// Installs (if needed and allowed) and starts a server.
    pub fn start() -> Result<Self> {
        let bin = ensure_installed()?;
        let as_user = tools::is_root().then_some("postgres");
        let dir = std::env::temp_dir().join(format!("vaora-postgres-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        if let Some(user) = as_user {
            // initdb refuses to run as root; the package created this user.
            tools::run(Path::new("."), "chown", &[user, &dir.to_string_lossy()])?;
        }
        let data = dir.join("data");
        let status = command(as_user, &bin.join("initdb"))
            .args(["--auth=trust", "--username=postgres", "--encoding=UTF8"])
            .arg("-D")
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .context("cannot run initdb")?;
        if !status.success() {
            bail!("initdb failed ({status})");
        }
        let port = free_port()?;
        let log = std::fs::File::create(dir.join("server.log"))?;
        let server = command(as_user, &bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&dir)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("cannot start postgres")?;
        let mut running = Self {
            dir,
            bin,
            port,
            as_user,
            server,
        };
        running.wait_until_ready()?;
        eprintln!("xtask: PostgreSQL on {}", running.url());
        Ok(running)
    }

    /// The maintenance database of the server, as the superuser.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn wait_until_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.server.try_wait()? {
                bail!(
                    "postgres exited ({status}); its log: {}",
                    self.dir.join("server.log").display()
                );
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("PostgreSQL did not accept connections within 30 s")
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let stopped = command(self.as_user, &self.bin.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.server.kill();
        }
        let _ = self.server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn command(as_user: Option<&str>, program: &Path) -> Command {
    match as_user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    // Nothing should answer there now; if something does, initdb's server would not start.
    if TcpStream::connect(("127.0.0.1", port)).is_ok() {
        bail!("port {port} is taken");
    }
    Ok(port)
}

/// The server binaries' folder: `VAORA_PG_BIN`, or the newest Debian PostgreSQL, installed
/// with apt-get when missing and running as root.
fn ensure_installed() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("VAORA_PG_BIN") {
        return Ok(PathBuf::from(bin));
    }
    if let Some(bin) = newest_debian_postgres() {
        return Ok(bin);
    }
    if !tools::is_root() {
        bail!(
            "PostgreSQL is needed for the store tests: install Debian's `postgresql` package \
             (sudo apt-get install postgresql) or set VAORA_PG_BIN to a folder with initdb, \
             postgres, pg_ctl and pg_isready"
        );
    }
    eprintln!("xtask: installing Debian postgresql (apt-get)");
    tools::apt_install(&["postgresql"])?;
    newest_debian_postgres().context("apt-get installed postgresql but no initdb was found")
}

fn newest_debian_postgres() -> Option<PathBuf> {
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    versions
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}
