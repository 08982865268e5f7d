//! Drives `POST /v1/checkins` over HTTP/1.1 keep-alive connections, each check-in with a fresh
//! client id, and measures what the server acknowledges: either as fast as it can
//! ([`Load::Saturate`]) or at a fixed offered rate ([`Load::Rate`]; latency counted from when each
//! request was due, so a stalled server cannot hide its queue).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{mpsc, Semaphore};
use uuid::Uuid;

/// How load is offered.
#[derive(Clone, Copy, Debug)]
pub enum Load {
    /// `connections` clients, each sending its next request when the last one is answered.
    Saturate { connections: usize },
    /// Requests started at `per_second`, at most `max_in_flight` outstanding.
    Rate {
        per_second: u32,
        max_in_flight: usize,
    },
}

/// One run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Server base URL, e.g. `http://127.0.0.1:8080` (plain HTTP).
    pub base_url: String,
    /// A venue code payload the server accepts.
    pub venue_code: String,
    pub load: Load,
    /// Stop offering load after this long…
    pub duration: Duration,
    /// …or after this many requests, whichever comes first.
    pub max_requests: u64,
}

/// What came back.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub sent: u64,
    /// 201 answers: check-ins the server says it stored.
    pub acknowledged: Vec<Uuid>,
    /// Any other status, or no answer.
    pub failed: u64,
    pub elapsed: Duration,
    /// Latency of each acknowledged request, sorted.
    pub latencies: Vec<Duration>,
}

impl Report {
    /// Acknowledged check-ins per second over the run.
    pub fn per_second(&self) -> f64 {
        self.acknowledged.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (0..=1) of acknowledged latencies.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }

    /// One line of JSON for scripts.
    pub fn to_json(&self) -> serde_json::Value {
        let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
        serde_json::json!({
            "sent": self.sent,
            "acknowledged": self.acknowledged.len(),
            "failed": self.failed,
            "elapsed_s": (self.elapsed.as_secs_f64() * 1e3).round() / 1e3,
            "per_second": self.per_second().round(),
            "p50_ms": ms(self.quantile(0.50)),
            "p99_ms": ms(self.quantile(0.99)),
            "max_ms": ms(self.quantile(1.0)),
        })
    }
}

/// The outcome of one request.
struct Answer {
    id: Uuid,
    ok: bool,
    latency: Duration,
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// Runs the load and collects the answers.
pub async fn run(config: Config) -> Result<Report> {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1024)
        .build(connector);
    let target = Arc::new(Target::new(&config)?);
    let (answers, mut received) = mpsc::unbounded_channel();
    let started = Instant::now();
    let deadline = started + config.duration;
    let budget = Arc::new(std::sync::atomic::AtomicU64::new(config.max_requests));
    let take = move || {
        budget
            .fetch_update(
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
                |left| left.checked_sub(1),
            )
            .is_ok()
    };

    match config.load {
        Load::Saturate { connections } => {
            for _ in 0..connections.max(1) {
                let (client, target, answers, take) = (
                    client.clone(),
                    target.clone(),
                    answers.clone(),
                    take.clone(),
                );
                tokio::spawn(async move {
                    while Instant::now() < deadline && take() {
                        let due = Instant::now();
                        let answer = target.check_in(&client, due).await;
                        if answers.send(answer).is_err() {
                            break;
                        }
                    }
                });
            }
        }
        Load::Rate {
            per_second,
            max_in_flight,
        } => {
            let (client, target, answers) = (client.clone(), target.clone(), answers.clone());
            tokio::spawn(async move {
                let slots = Arc::new(Semaphore::new(max_in_flight.max(1)));
                let interval = Duration::from_secs_f64(1.0 / f64::from(per_second.max(1)));
                let mut due = started;
                while due < deadline && take() {
                    tokio::time::sleep_until(due.into()).await;
                    let Ok(slot) = slots.clone().acquire_owned().await else {
                        break;
                    };
                    let (client, target, answers) =
                        (client.clone(), target.clone(), answers.clone());
                    tokio::spawn(async move {
                        let answer = target.check_in(&client, due).await;
                        drop(slot);
                        let _ = answers.send(answer);
                    });
                    due += interval;
                }
            });
        }
    }
    drop(answers);

    let mut report = Report::default();
    while let Some(answer) = received.recv().await {
        report.sent += 1;
        if answer.ok {
            report.acknowledged.push(answer.id);
            report.latencies.push(answer.latency);
        } else {
            report.failed += 1;
        }
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    Ok(report)
}

/// How the server answered a check-in sent again with an id it acknowledged before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// `201` with `Idempotent-Replayed: true`: it had the check-in, stored once.
    Stored,
    /// `201` without the header: it had lost the check-in and stored it only now.
    Lost,
    /// Any other answer (status code; 0 when there was none).
    Failed(u16),
}

/// Sends each of `ids` again, with the body [`run`] sent, one at a time.
pub async fn replay(config: &Config, ids: &[Uuid]) -> Result<Vec<Replay>> {
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .build(hyper_util::client::legacy::connect::HttpConnector::new());
    let target = Target::new(config)?;
    let mut answers = Vec::with_capacity(ids.len());
    for &id in ids {
        let answer = match client.request(target.request(id)?).await {
            Ok(response) if response.status() == StatusCode::CREATED => {
                let replayed = response
                    .headers()
                    .get("idempotent-replayed")
                    .is_some_and(|v| v == "true");
                if replayed {
                    Replay::Stored
                } else {
                    Replay::Lost
                }
            }
            Ok(response) => Replay::Failed(response.status().as_u16()),
            Err(_) => Replay::Failed(0),
        };
        answers.push(answer);
    }
    Ok(answers)
}

/// The endpoint and a body template with the id left out.
struct Target {
    uri: hyper::Uri,
    body_start: String,
    body_end: String,
}

impl Target {
    fn new(config: &Config) -> Result<Self> {
        let uri = format!("{}/v1/checkins", config.base_url.trim_end_matches('/'))
            .parse()
            .context("base URL")?;
        let rest = serde_json::json!({
            "venue_code": config.venue_code,
            "declaration": {
                "form_version": 1,
                "answers": {
                    "full_name": "Nguyễn Thị Ánh",
                    "birth_year": 1990,
                    "gender": "female",
                    "nationality": "Việt Nam",
                    "residence_unit": "01",
                    "address": "12 Hàng Bạc",
                    "phone": "0912 345 678",
                    "symptoms": [],
                    "contact_case": false,
                    "contact_affected_country": false,
                    "contact_symptomatic": false,
                    "consent": true
                }
            }
        })
        .to_string();
        Ok(Self {
            uri,
            body_start: "{\"id\":\"".into(),
            // `rest` is an object: drop its `{` and continue ours.
            body_end: format!("\",{}", &rest[1..]),
        })
    }

    fn request(&self, id: Uuid) -> Result<Request<Full<Bytes>>> {
        let body = format!("{}{id}{}", self.body_start, self.body_end);
        Ok(Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))?)
    }

    async fn check_in(&self, client: &HttpClient, due: std::time::Instant) -> Answer {
        let id = Uuid::new_v4();
        let ok = match self.request(id) {
            Ok(request) => match client.request(request).await {
                Ok(response) => {
                    let created = response.status() == StatusCode::CREATED;
                    // Read the body so the connection can be reused.
                    created && response.into_body().collect().await.is_ok()
                }
                Err(_) => false,
            },
            Err(_) => false,
        };
        Answer {
            id,
            ok,
            latency: due.elapsed(),
        }
    }
}
