//! What this server trusts right now: its signing keys with their status (active, retired,
//! revoked) and whether the programme runs. Both live in the store, so that an operator's
//! revocation or switch-off on one server process reaches the others; each process keeps a
//! snapshot, refreshed after its own changes and every [`REFRESH_EVERY`].

use std::sync::{Arc, RwLock};
use std::time::Duration;

use vaora_protocol::api::{KeyStatus, ProgrammeStatus, PublishedKey};
use vaora_protocol::venue_code::{KeyId, TrustedKey};

use crate::store::{Store, StoreError};

/// How stale another process's change may be here.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// One consistent view.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every key, oldest first.
    pub keys: Vec<PublishedKey>,
    /// The keys whose codes are accepted (active and retired).
    pub trusted: Vec<TrustedKey>,
    pub programme: ProgrammeStatus,
}

impl Snapshot {
    fn new(keys: Vec<PublishedKey>, programme: ProgrammeStatus) -> Self {
        let trusted = keys.iter().filter_map(PublishedKey::trusted).collect();
        Self {
            keys,
            trusted,
            programme,
        }
    }

    /// The status of the key with this id, if this server knows it.
    pub fn status_of(&self, kid: KeyId) -> Option<KeyStatus> {
        self.keys.iter().find(|k| k.kid == kid).map(|k| k.status)
    }
}

/// The shared, refreshable view.
pub struct Trust {
    current: RwLock<Arc<Snapshot>>,
}

impl Trust {
    /// Before the store is read: the server's own key, active; the programme running.
    pub fn new(active: TrustedKey) -> Self {
        let key = PublishedKey {
            kid: active.key_id,
            public_key: active.public_key,
            status: KeyStatus::Active,
            since: 0,
        };
        Self {
            current: RwLock::new(Arc::new(Snapshot::new(
                vec![key],
                ProgrammeStatus::default(),
            ))),
        }
    }

    /// The current view.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .map(|current| Arc::clone(&current))
            .unwrap_or_default()
    }

    /// Records `active` as the signing key (retiring the previous one) and reads everything.
    pub async fn activate(
        &self,
        store: &Store,
        active: TrustedKey,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        store.activate_key(active, now_ms).await?;
        self.refresh(store).await
    }

    /// Reads keys and programme state from the store.
    pub async fn refresh(&self, store: &Store) -> Result<(), StoreError> {
        let keys = store.keys().await?;
        let programme = store.programme().await?;
        let snapshot = Arc::new(Snapshot::new(keys, programme));
        if let Ok(mut current) = self.current.write() {
            *current = snapshot;
        }
        Ok(())
    }
}
