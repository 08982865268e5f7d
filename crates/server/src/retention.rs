//! Finite retention: check-ins older than the configured period (21 days by default, the
//! incubation-based window contact tracing needs) are deleted by the server itself, every hour,
//! and each purge is recorded so it can be shown to have happened.

use std::time::Duration;

use vaora_protocol::api::PurgeRecord;

use crate::app::now_ms;
use crate::store::{Store, StoreError};

/// Default retention, in days.
pub const DEFAULT_RETENTION_DAYS: u32 = 21;
/// How often the purge runs.
pub const PURGE_EVERY: Duration = Duration::from_secs(3_600);

const DAY_MS: i64 = 86_400_000;

/// Deletes what is older than `retention_days` at `now` (unix ms) and records it.
pub async fn purge(
    store: &Store,
    retention_days: u32,
    now: i64,
) -> Result<PurgeRecord, StoreError> {
    let cutoff = now - i64::from(retention_days.max(1)) * DAY_MS;
    store.purge_checkins(cutoff, now).await
}

/// Purges now and then every [`PURGE_EVERY`], for as long as the server runs. Several server
/// processes may each do it: deleting what is already gone deletes nothing.
pub fn spawn_purger(store: Store, retention_days: u32) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        loop {
            every.tick().await;
            match purge(&store, retention_days, now_ms()).await {
                Ok(record) if record.deleted > 0 => {
                    println!(
                        "retention: deleted {} check-ins older than {retention_days} days",
                        record.deleted
                    );
                }
                Ok(_) => {}
                Err(err) => eprintln!("retention purge failed: {err}"),
            }
        }
    });
}
