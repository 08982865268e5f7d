//! The offline outbox: check-ins and check-outs are queued on the device, with the ids the
//! client generated for them, before any network call; they are sent until the server has them,
//! and the protocol's idempotency (the same id stores once) makes a repeat harmless, so every
//! intended visit is stored exactly once whatever the network does.
//!
//! This is the queue's logic only, with time passed in: the widget keeps the queue in
//! IndexedDB (it is `serde`), calls [`Outbox::next_due`] to pick what to send, reports each
//! answer with [`Outbox::record`], and wakes at [`Outbox::wake_at`] or when the browser says it
//! is back [`Outbox::online`].

mod backoff;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use backoff::Backoff;

/// What an entry asks the server for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// `POST /v1/checkins` with the entry's body.
    CheckIn,
    /// `POST /v1/checkins/{checkin}/checkout`: sent only once that check-in is delivered.
    CheckOut { checkin: Uuid },
    /// `POST /v1/staff/checkins`: a kiosk or paper check-in, with the entry's staff token.
    StaffCheckIn,
    /// `POST /v1/staff/checkouts`: a kiosk's exit scan; when this kiosk queued the person's
    /// entry itself (`after`), sent only once that entry is delivered.
    StaffCheckOut { after: Option<Uuid> },
}

impl Kind {
    /// The queued request this one must wait for (and fails with).
    pub fn waits_for(&self) -> Option<Uuid> {
        match *self {
            Kind::CheckOut { checkin } => Some(checkin),
            Kind::StaffCheckOut { after } => after,
            Kind::CheckIn | Kind::StaffCheckIn => None,
        }
    }
}

/// Where an entry stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Waiting to be sent (again) from `due_at` (unix ms).
    Pending { due_at: i64 },
    /// Handed to the network at `since`; its answer has not been recorded.
    Sending { since: i64 },
    /// The server has it (answered 2xx, or the same id again).
    Delivered { at: i64 },
    /// The server refused it for good (a 4xx other than 408 and 429): `code` is the protocol's
    /// error code, for the visitor's message.
    Rejected { at: i64, code: String },
}

impl State {
    /// Whether the server has not answered it yet (waiting, or being sent).
    pub fn unanswered(&self) -> bool {
        matches!(self, State::Pending { .. } | State::Sending { .. })
    }
}

/// One queued request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The request's id: the check-in id the client generated (for a check-out, its own id).
    pub id: Uuid,
    #[serde(flatten)]
    pub kind: Kind,
    /// The JSON body to send, exactly as first built (a retry must not change it).
    pub body: String,
    /// The base URL of the API it goes to (empty: the page's own origin). A page may embed
    /// widgets pointed at different backends; each request goes where it was made.
    #[serde(default)]
    pub endpoint: String,
    /// The bearer token a staff request is made with (empty: none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    pub queued_at: i64,
    /// Sends that failed so far.
    pub failures: u32,
    #[serde(flatten)]
    pub state: State,
}

/// What became of one send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: stored (or already stored under this id).
    Delivered,
    /// No answer, a timeout, 408, 429 or a 5xx: nothing was decided; send again later.
    Retry,
    /// Any other 4xx: sending again cannot help.
    Rejected(String),
}

impl Outcome {
    /// The outcome of an HTTP answer with `status` (`None`: no answer at all) and the
    /// protocol's error `code` if the body had one.
    pub fn of_status(status: Option<u16>, code: Option<&str>) -> Outcome {
        match status {
            Some(200..=299) => Outcome::Delivered,
            Some(408 | 429) | Some(500..=599) | None => Outcome::Retry,
            Some(_) => Outcome::Rejected(code.unwrap_or("rejected").to_owned()),
        }
    }
}

/// The queue, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    entries: Vec<Entry>,
    #[serde(default)]
    backoff: Backoff,
}

impl Outbox {
    pub fn new(backoff: Backoff) -> Self {
        Self {
            entries: Vec::new(),
            backoff,
        }
    }

    /// The queue as stored (entries in any order), after a reload.
    pub fn restore(mut entries: Vec<Entry>, backoff: Backoff) -> Self {
        entries.sort_by_key(|entry| (entry.queued_at, entry.id));
        Self { entries, backoff }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with id `id`, if still queued.
    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    /// Queues a request to the page's own origin, due at once; see [`Outbox::enqueue_to`].
    pub fn enqueue(&mut self, id: Uuid, kind: Kind, body: String, now: i64) -> bool {
        self.enqueue_to("", id, kind, body, now)
    }

    /// Queues a request to the API at `endpoint`, due at once. Queuing the same id again
    /// changes nothing (a double tap, a restored page): `false`.
    pub fn enqueue_to(
        &mut self,
        endpoint: &str,
        id: Uuid,
        kind: Kind,
        body: String,
        now: i64,
    ) -> bool {
        self.enqueue_as(endpoint, "", id, kind, body, now)
    }

    /// Queues a request made with a bearer `token` (venue staff), as [`Outbox::enqueue_to`].
    pub fn enqueue_as(
        &mut self,
        endpoint: &str,
        token: &str,
        id: Uuid,
        kind: Kind,
        body: String,
        now: i64,
    ) -> bool {
        if self.entries.iter().any(|entry| entry.id == id) {
            return false;
        }
        self.entries.push(Entry {
            id,
            kind,
            body,
            endpoint: endpoint.to_owned(),
            token: token.to_owned(),
            queued_at: now,
            failures: 0,
            state: State::Pending { due_at: now },
        });
        true
    }

    /// How many requests the server does not have yet ("pending (n)").
    pub fn pending(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| entry.state.unanswered())
            .count()
    }

    /// The oldest request due at `now` that may go (a check-out only after its check-in was
    /// delivered), now marked as sending; `None` if nothing is due. One at a time: the caller
    /// sends it and records its outcome before asking again.
    pub fn next_due(&mut self, now: i64) -> Option<Entry> {
        let index = (0..self.entries.len()).find(|&index| {
            let entry = &self.entries[index];
            matches!(entry.state, State::Pending { due_at } if due_at <= now) && self.may_go(entry)
        })?;
        let entry = &mut self.entries[index];
        entry.state = State::Sending { since: now };
        Some(entry.clone())
    }

    fn may_go(&self, entry: &Entry) -> bool {
        entry.kind.waits_for().is_none_or(|first| {
            self.entries
                .iter()
                .find(|other| other.id == first)
                // A check-in no longer queued was delivered and pruned.
                .is_none_or(|other| matches!(other.state, State::Delivered { .. }))
        })
    }

    /// Records what became of sending `id`. A retry waits longer after every failure.
    pub fn record(&mut self, id: Uuid, outcome: Outcome, now: i64) {
        let backoff = self.backoff;
        let Some(entry) = self.entries.iter_mut().find(|entry| entry.id == id) else {
            return;
        };
        entry.state = match outcome {
            Outcome::Delivered => State::Delivered { at: now },
            Outcome::Rejected(code) => State::Rejected { at: now, code },
            Outcome::Retry => {
                entry.failures = entry.failures.saturating_add(1);
                State::Pending {
                    due_at: now + backoff.delay_ms(entry.id, entry.failures),
                }
            }
        };
        // A check-out of a refused check-in cannot succeed either.
        if let State::Rejected { .. } = &entry.state {
            let refused = entry.id;
            for other in &mut self.entries {
                if other.kind.waits_for() == Some(refused) {
                    other.state = State::Rejected {
                        at: now,
                        code: "checkin_rejected".into(),
                    };
                }
            }
        }
    }

    /// The network is back: everything waiting is due now.
    pub fn online(&mut self, now: i64) {
        for entry in &mut self.entries {
            if let State::Pending { due_at } = &mut entry.state {
                *due_at = (*due_at).min(now);
            }
        }
    }

    /// After a reload or a crash: what was being sent has no recorded answer, so it is sent
    /// again now (the server stores an id once, so a send that did arrive is not doubled).
    pub fn recover(&mut self, now: i64) {
        for entry in &mut self.entries {
            if let State::Sending { .. } = entry.state {
                entry.state = State::Pending { due_at: now };
            }
        }
    }

    /// When the next pending request falls due (unix ms), if any is waiting.
    pub fn wake_at(&self) -> Option<i64> {
        self.entries
            .iter()
            .filter_map(|entry| match entry.state {
                State::Pending { due_at } => Some(due_at),
                _ => None,
            })
            .min()
    }

    /// Forgets every request (the visitor deleted their data).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Forgets delivered and rejected requests settled before `before`, except check-ins whose
    /// check-out is still queued (it waits for them). Returns the ids forgotten (to delete
    /// them from storage).
    pub fn prune(&mut self, before: i64) -> Vec<Uuid> {
        let waited_on: Vec<Uuid> = self
            .entries
            .iter()
            .filter(|entry| {
                !matches!(
                    entry.state,
                    State::Delivered { .. } | State::Rejected { .. }
                )
            })
            .filter_map(|entry| entry.kind.waits_for())
            .collect();
        let mut forgotten = Vec::new();
        self.entries.retain(|entry| {
            let settled_at = match entry.state {
                State::Delivered { at } | State::Rejected { at, .. } => Some(at),
                _ => None,
            };
            let keep = settled_at.is_none_or(|at| at >= before) || waited_on.contains(&entry.id);
            if !keep {
                forgotten.push(entry.id);
            }
            keep
        });
        forgotten
    }
}

#[cfg(test)]
mod tests;
