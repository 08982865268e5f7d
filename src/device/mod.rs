//! The device's side of checking in: the people, their visits and the outbox, kept in
//! IndexedDB ([`store`]) and delivered by one sender per page ([`sender`]). Every widget on the
//! page shares them (they belong to the visitor, not to a widget). The rules live in
//! `vaora-citizen` and `vaora-outbox`; this module applies them, stores the result before any
//! network call, and tells the widgets what changed.
//!
//! All of it sits in chunks: the first scan never loads it. A page reopened with check-ins
//! still pending (or visits still open) loads it at once ([`resume`]).

mod sender;
pub mod store;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_channel::oneshot;
use uuid::Uuid;
use vaora_citizen::people::{People, Person};
use vaora_citizen::visits::{Closing, Reason, Visit, Visits};
use vaora_outbox::{Backoff, Kind, Outbox, State as EntryState};
use wasm_split_helpers::wasm_split;

use crate::i18n::Later;
use crate::lazy::ChunkUnavailable;
use crate::prefs;
use crate::shell::dom::{el, El};
use crate::shell::Shell;
use store::{Changes, Store};

/// How long a request may go unanswered before it is given up and retried.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// What the device knows.
#[derive(Default)]
pub struct Known {
    pub outbox: Outbox,
    pub people: People,
    pub visits: Visits,
}

/// Where a check-in's delivery stands, for the confirmation and "My visits".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// On the device, not yet acknowledged by the server.
    Pending,
    /// The server has it.
    Delivered,
    /// The server refused it for good, with the protocol's error code.
    Refused(String),
}

/// A venue staff request to queue: its id, what it asks for and its JSON body.
pub struct StaffRequest {
    pub id: Uuid,
    pub kind: Kind,
    pub body: String,
}

/// Called after every change of the device's data.
pub type Listener = Rc<dyn Fn()>;

/// The visitor's data on this device, shared by every widget of the page.
pub struct Device {
    store: Option<Store>,
    known: RefCell<Known>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    next_listener: Cell<u32>,
    /// Wakes the sender early (a new entry, the network back).
    wake: RefCell<Option<oneshot::Sender<()>>>,
    timeout_ms: Cell<u32>,
}

enum Slot {
    Empty,
    Opening(Vec<oneshot::Sender<Rc<Device>>>),
    Ready(Rc<Device>),
}

thread_local! {
    static DEVICE: RefCell<Slot> = const { RefCell::new(Slot::Empty) };
}

/// Loads the device's data for `shell` and keeps its "pending (n)" count current: called at
/// start when the last visit left something pending or open, from the `device` chunk.
#[wasm_split(device, fallible)]
pub fn resume(shell: Rc<Shell>) -> Result<(), ChunkUnavailable> {
    let timeout = shell.options().request_timeout_ms;
    // Not Leptos' executor: nothing of Leptos may be running yet.
    wasm_bindgen_futures::spawn_local(async move {
        let device = Device::get(timeout).await;
        device.watch_pending(&shell);
    });
    Ok(())
}

impl Device {
    /// The page's device, opened and loaded on first use; the sender starts with it. Storage
    /// that cannot be opened (blocked, private mode) leaves the device in memory only: check-ins
    /// still go out, they just do not survive a reload.
    pub async fn get(timeout_ms: Option<u32>) -> Rc<Device> {
        let waiter = DEVICE.with(|slot| {
            let mut slot = slot.borrow_mut();
            match &mut *slot {
                Slot::Ready(device) => Err(device.clone()),
                Slot::Opening(waiting) => {
                    let (tx, rx) = oneshot::channel();
                    waiting.push(tx);
                    Ok(Some(rx))
                }
                Slot::Empty => {
                    *slot = Slot::Opening(Vec::new());
                    Ok(None)
                }
            }
        });
        match waiter {
            Err(device) => return device,
            Ok(Some(rx)) => {
                if let Ok(device) = rx.await {
                    return device;
                }
            }
            Ok(None) => {}
        }
        let device = Rc::new(Device::open().await);
        if let Some(ms) = timeout_ms {
            device.timeout_ms.set(ms);
        }
        let waiting = DEVICE.with(|slot| {
            match std::mem::replace(&mut *slot.borrow_mut(), Slot::Ready(device.clone())) {
                Slot::Opening(waiting) => waiting,
                _ => Vec::new(),
            }
        });
        for tx in waiting {
            let _ = tx.send(device.clone());
        }
        sender::start(&device);
        device
    }

    async fn open() -> Device {
        let now = now();
        let (store, stored) = match Store::open().await {
            Ok(store) => match store.load().await {
                Ok(stored) => (Some(store), stored),
                Err(_) => (Some(store), store::Stored::default()),
            },
            Err(_) => {
                web_sys::console::warn_1(
                    &"Vaora: this browser keeps no data (storage unavailable); check-ins are sent but not kept"
                        .into(),
                );
                (None, store::Stored::default())
            }
        };
        let mut outbox = Outbox::restore(stored.entries, Backoff::default());
        // What was being sent when the page went away is sent again (never doubled: ids).
        outbox.recover(now);
        Device {
            store,
            known: RefCell::new(Known {
                outbox,
                people: People::from_stored(stored.people),
                visits: Visits::from_stored(stored.visits),
            }),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(0),
            wake: RefCell::new(None),
            timeout_ms: Cell::new(DEFAULT_TIMEOUT_MS),
        }
    }

    /// Reads what the device knows.
    pub fn with<R>(&self, read: impl FnOnce(&Known) -> R) -> R {
        read(&self.known.borrow())
    }

    /// Where check-in `id`'s delivery stands.
    pub fn delivery(&self, checkin: Uuid) -> Delivery {
        self.with(
            |known| match known.outbox.entry(checkin).map(|e| &e.state) {
                Some(EntryState::Delivered { .. }) | None => Delivery::Delivered,
                Some(EntryState::Rejected { code, .. }) => Delivery::Refused(code.clone()),
                Some(_) => Delivery::Pending,
            },
        )
    }

    /// Changes what the device knows with `change` (which lists what it touched), stores it,
    /// then tells every widget. The change is kept in memory even if storing fails.
    pub async fn change(&self, change: impl FnOnce(&mut Known, &mut Changes)) {
        let mut changes = Changes::default();
        change(&mut self.known.borrow_mut(), &mut changes);
        self.store_changes(&changes).await;
        self.changed();
    }

    async fn store_changes(&self, changes: &Changes) {
        if let Some(store) = &self.store {
            if store.save(changes).await.is_err() {
                web_sys::console::warn_1(&"Vaora: could not store a change on this device".into());
            }
        }
    }

    /// Checks `person` in with `visit`, the check-in request's JSON `body` to go to the visit's
    /// endpoint: the person's declaration, the visit, the check-outs it causes (they were
    /// elsewhere) and the queue entries are stored together before anything is sent.
    pub async fn check_in(&self, person: Person, visit: Visit, body: String) {
        let now = now();
        self.change(|known, changes| {
            known.people.put(person.clone());
            changes.people.push(person);
            let closings = known.visits.check_in(visit.clone(), Uuid::new_v4);
            if known
                .outbox
                .enqueue_to(&visit.endpoint, visit.checkin_id, Kind::CheckIn, body, now)
            {
                changes
                    .entries
                    .extend(known.outbox.entry(visit.checkin_id).cloned());
            }
            changes.visits.push(visit);
            queue_checkouts(known, changes, closings, now);
        })
        .await;
        self.kick();
    }

    /// Queues a venue staff request (a kiosk scan, a paper declaration) made with `token` to
    /// `endpoint`; stored before anything is sent, like a visitor's check-in.
    pub async fn queue_staff(&self, endpoint: &str, token: &str, request: StaffRequest) {
        let now = now();
        self.change(|known, changes| {
            let StaffRequest { id, kind, body } = request;
            if known
                .outbox
                .enqueue_as(endpoint, token, id, kind, body, now)
            {
                changes.entries.extend(known.outbox.entry(id).cloned());
            }
        })
        .await;
        self.kick();
    }

    /// Ends visit `checkin` now, for `reason` (a tap, a rescan).
    pub async fn check_out(&self, checkin: Uuid, reason: Reason) {
        let now = now();
        self.change(|known, changes| {
            let closing = known.visits.check_out(checkin, now, reason, Uuid::new_v4());
            queue_checkouts(known, changes, closing.into_iter().collect(), now);
        })
        .await;
        self.kick();
    }

    /// Stores a person's details (a dependant added, details for "My QR").
    pub async fn save_person(&self, person: Person) {
        self.change(|known, changes| {
            known.people.put(person.clone());
            changes.people.push(person);
        })
        .await;
    }

    /// Forgets a dependant.
    pub async fn remove_dependant(&self, id: Uuid) {
        self.change(|known, changes| {
            if known.people.remove_dependant(id) {
                changes.forget_people.push(id);
            }
        })
        .await;
    }

    /// Deletes everything this device keeps ("Delete my data"), pending check-ins included.
    pub async fn wipe(&self) {
        {
            let mut known = self.known.borrow_mut();
            *known = Known::default();
        }
        if let Some(store) = &self.store {
            let _ = store.wipe().await;
        }
        prefs::forget_all();
        self.changed();
    }

    /// Calls `listener` after every change, until [`Device::unsubscribe`].
    pub fn subscribe(&self, listener: Rc<dyn Fn()>) -> u32 {
        let id = self.next_listener.get().wrapping_add(1);
        self.next_listener.set(id);
        self.listeners.borrow_mut().push((id, listener));
        id
    }

    pub fn unsubscribe(&self, id: u32) {
        self.listeners.borrow_mut().retain(|(have, _)| *have != id);
    }

    /// Shows the pending count in `shell`'s header for as long as the shell lives.
    pub fn watch_pending(self: &Rc<Self>, shell: &Rc<Shell>) {
        if shell.watching_pending() {
            return;
        }
        let count = el("span").test("pending-count").plain("0").into_element();
        let button = el("button")
            .attr("type", "button")
            .class("vaora-pending")
            .test("pending")
            .action("visits")
            .attr("hidden", "")
            .text(&shell.texts, Later::Pending)
            .plain(" (")
            .child(El(count.clone()))
            .plain(")")
            .into_element();
        crate::shell::dom::replace_children(shell.pending_slot(), Some(&button));
        let weak_shell = Rc::downgrade(shell);
        let weak_device = Rc::downgrade(self);
        let id = Rc::new(Cell::new(0));
        let own_id = id.clone();
        let told = Cell::new(None);
        let listener: Rc<dyn Fn()> = Rc::new(move || {
            // Only while the shell lives: its header is the one this listener writes to.
            let (Some(shell), Some(device)) = (weak_shell.upgrade(), weak_device.upgrade()) else {
                if let Some(device) = weak_device.upgrade() {
                    device.unsubscribe(own_id.get());
                }
                return;
            };
            let pending = device.with(|known| known.outbox.pending());
            if told.replace(Some(pending)) != Some(pending) {
                let detail = crate::events::PendingDetail { count: pending };
                crate::events::emit(&shell, "vaora:pending", &detail);
            }
            count.set_text_content(Some(&pending.to_string()));
            if pending == 0 {
                let _ = button.set_attribute("hidden", "");
            } else {
                let _ = button.remove_attribute("hidden");
            }
        });
        id.set(self.subscribe(listener.clone()));
        listener();
    }

    /// Tells every widget something changed, and leaves the start-up hint for the next visit.
    fn changed(&self) {
        let (pending, open) = self.with(|known| {
            (
                known.outbox.pending(),
                known.visits.all().iter().any(Visit::is_open),
            )
        });
        prefs::set_device_hint(pending, open);
        let listeners: Vec<Rc<dyn Fn()>> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, listener)| listener.clone())
            .collect();
        for listener in listeners {
            listener();
        }
    }

    /// Wakes the sender now.
    pub fn kick(&self) {
        if let Some(wake) = self.wake.take() {
            let _ = wake.send(());
        }
    }
}

/// Queues the check-outs `closings` (to the endpoint of their check-in) and lists the touched
/// visits and entries in `changes`.
fn queue_checkouts(known: &mut Known, changes: &mut Changes, closings: Vec<Closing>, now: i64) {
    for closing in closings {
        let Some(visit) = known.visits.get(closing.checkin) else {
            continue;
        };
        let body = format!("{{\"left_at\":{}}}", closing.checkout.at);
        let endpoint = visit.endpoint.clone();
        changes.visits.push(visit.clone());
        if known.outbox.enqueue_to(
            &endpoint,
            closing.checkout.id,
            Kind::CheckOut {
                checkin: closing.checkin,
            },
            body,
            now,
        ) {
            changes
                .entries
                .extend(known.outbox.entry(closing.checkout.id).cloned());
        }
    }
}

/// Unix ms now.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}
