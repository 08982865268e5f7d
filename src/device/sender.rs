//! The page's one sender: takes what the outbox says is due, marks it as being sent (stored),
//! sends it, records the answer (stored), and sleeps until the next retry, the next visit's
//! default stay running out, the network coming back or a new entry, whichever is first.

use std::rc::{Rc, Weak};

use futures_channel::oneshot;
use serde::Deserialize;
use uuid::Uuid;
use vaora_outbox::{Entry, Kind, Outcome};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::store::Changes;
use super::{now, queue_checkouts, Device};
use crate::api;

/// The longest sleep: stays are checked at least this often while the page is open.
const MAX_SLEEP_MS: i64 = 60_000;
/// Delivered and refused entries are kept this long (for "My visits"), then forgotten.
const KEEP_SETTLED_MS: i64 = vaora_citizen::KEEP_DAYS * vaora_citizen::DAY_MS;

/// What a check-in's receipt tells the device (fields of `CheckInReceipt`).
#[derive(Deserialize)]
struct Receipt {
    checked_in_at: i64,
    #[serde(default)]
    default_stay_minutes: Option<u32>,
}

/// What the protocol's error body tells the device.
#[derive(Deserialize)]
struct ErrorBody {
    code: String,
}

/// Starts the sender of `device` and wakes it when the browser is back online or the page
/// is shown again (background tabs' timers are throttled).
pub(super) fn start(device: &Rc<Device>) {
    if let Some(window) = web_sys::window() {
        let weak = Rc::downgrade(device);
        let online = Closure::<dyn Fn()>::new(move || {
            if let Some(device) = weak.upgrade() {
                device.known.borrow_mut().outbox.online(now());
                device.kick();
            }
        });
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        // The device lives as long as the page: so do its listeners.
        online.forget();
        if let Some(document) = window.document() {
            let weak = Rc::downgrade(device);
            let shown = Closure::<dyn Fn()>::new(move || {
                if let Some(device) = weak.upgrade() {
                    device.kick();
                }
            });
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                shown.as_ref().unchecked_ref(),
            );
            shown.forget();
        }
    }
    let weak = Rc::downgrade(device);
    wasm_bindgen_futures::spawn_local(run(weak));
}

async fn run(device: Weak<Device>) {
    loop {
        let Some(strong) = device.upgrade() else {
            return;
        };
        strong.end_overdue_stays().await;
        while let Some(entry) = strong.take_due().await {
            let outcome = send(&entry, strong.timeout_ms.get()).await;
            strong.settle(entry, outcome).await;
        }
        strong.forget_old().await;
        let wait = strong.sleep_ms();
        let woken = strong.sleeper(wait);
        drop(strong);
        woken.await;
    }
}

/// Sends one entry; what became of it.
async fn send(entry: &Entry, timeout_ms: u32) -> (Outcome, Option<String>) {
    let path = match entry.kind {
        Kind::CheckIn => "/v1/checkins".to_owned(),
        Kind::CheckOut { checkin } => format!("/v1/checkins/{checkin}/checkout"),
        Kind::StaffCheckIn => "/v1/staff/checkins".to_owned(),
        Kind::StaffCheckOut { .. } => "/v1/staff/checkouts".to_owned(),
    };
    let sent = api::post_queued(
        &entry.endpoint,
        &path,
        &entry.body,
        &entry.token,
        timeout_ms,
    );
    match sent.await {
        None => (Outcome::Retry, None),
        Some(answer) => {
            let code = serde_json::from_str::<ErrorBody>(&answer.body)
                .ok()
                .map(|body| body.code);
            (
                Outcome::of_status(Some(answer.status), code.as_deref()),
                Some(answer.body),
            )
        }
    }
}

impl Device {
    /// The next entry due, marked (and stored) as being sent.
    async fn take_due(&self) -> Option<Entry> {
        let entry = self.known.borrow_mut().outbox.next_due(now())?;
        let changes = Changes {
            entries: vec![entry.clone()],
            ..Changes::default()
        };
        self.store_changes(&changes).await;
        Some(entry)
    }

    /// Records the answer to `entry`; a check-in's receipt corrects the visit's time and
    /// gives the venue's stay.
    async fn settle(&self, entry: Entry, (outcome, body): (Outcome, Option<String>)) {
        let delivered = outcome == Outcome::Delivered;
        self.change(|known, changes| {
            known.outbox.record(entry.id, outcome, now());
            // A refused check-in refuses its check-outs too: store them all.
            changes.entries.extend(
                known
                    .outbox
                    .entries()
                    .iter()
                    .filter(|e| e.id == entry.id || e.kind.waits_for() == Some(entry.id))
                    .cloned(),
            );
            if delivered && entry.kind == Kind::CheckIn {
                if let Some(receipt) = body.and_then(|b| serde_json::from_str::<Receipt>(&b).ok()) {
                    known.visits.delivered(
                        entry.id,
                        receipt.checked_in_at,
                        receipt.default_stay_minutes,
                    );
                    changes.visits.extend(known.visits.get(entry.id).cloned());
                }
            }
        })
        .await;
    }

    /// Checks out every visit whose default stay ran out.
    async fn end_overdue_stays(&self) {
        let overdue =
            self.with(|known| known.visits.next_stay_end().is_some_and(|end| end <= now()));
        if overdue {
            self.change(|known, changes| {
                let now = now();
                let closings = known.visits.end_overdue(now, Uuid::new_v4);
                queue_checkouts(known, changes, closings, now);
            })
            .await;
        }
    }

    /// Forgets what is older than the device keeps.
    async fn forget_old(&self) {
        let now = now();
        let stale = self.with(|known| {
            known.visits.all().first().is_some_and(|oldest| {
                oldest.checkout.map_or(oldest.checked_in_at, |c| c.at) < now - KEEP_SETTLED_MS
            })
        });
        if stale {
            self.change(|known, changes| {
                changes.forget_visits = known.visits.prune(now);
                changes.forget_entries = known.outbox.prune(now - KEEP_SETTLED_MS);
            })
            .await;
        }
    }

    /// How long to sleep: until the next retry or stay end, at most [`MAX_SLEEP_MS`].
    fn sleep_ms(&self) -> i64 {
        let now = now();
        self.with(|known| {
            [known.outbox.wake_at(), known.visits.next_stay_end()]
                .into_iter()
                .flatten()
                .min()
                .map_or(MAX_SLEEP_MS, |at| (at - now).clamp(0, MAX_SLEEP_MS))
        })
    }

    /// A future that completes after `ms` or when [`Device::kick`] is called.
    fn sleeper(&self, ms: i64) -> impl std::future::Future<Output = ()> {
        let (tx, kicked) = oneshot::channel::<()>();
        self.wake.replace(Some(tx));
        async move {
            let _ = crate::js::within(i32::try_from(ms).unwrap_or(i32::MAX), kicked).await;
        }
    }
}
