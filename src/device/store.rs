//! The device's IndexedDB database `vaora`: one object store per kind of record (the outbox's
//! entries, people, visits), each record its own JSON string under its id. Records are written
//! one by one, never as one blob, so two tabs writing at once cannot drop each other's
//! check-ins. Every change of one user action is one transaction: a check-in, the check-outs it
//! causes and the queue entries for them are stored together or not at all.
//!
//! IndexedDB is reached through loose property access ([`crate::js`]) rather than typed
//! bindings: every typed binding adds an import to the first-scan module (all wasm imports live
//! there, chunks call through it), and the typed IndexedDB API costs about 1.5 KB of it.
//! Requests become futures by handing a promise's `resolve`/`reject` to their `onsuccess` and
//! `onerror`, so no closure is kept per request.

use js_sys::{Array, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;
use vaora_citizen::people::Person;
use vaora_citizen::visits::Visit;
use vaora_outbox::Entry;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js::{call, get};

const NAME: &str = "vaora";
const VERSION: u32 = 1;
const OUTBOX: &str = "outbox";
const PEOPLE: &str = "people";
const VISITS: &str = "visits";
const STORES: [&str; 3] = [OUTBOX, PEOPLE, VISITS];

/// Storage failed (blocked, quota, private mode): the caller keeps going in memory and says so.
#[derive(Debug)]
pub struct StorageError;

impl From<JsValue> for StorageError {
    fn from(_: JsValue) -> Self {
        StorageError
    }
}

/// Everything the device keeps, as read at start.
#[derive(Default)]
pub struct Stored {
    pub entries: Vec<Entry>,
    pub people: Vec<Person>,
    pub visits: Vec<Visit>,
}

/// Records to write and delete in one transaction.
#[derive(Default)]
pub struct Changes {
    pub entries: Vec<Entry>,
    pub people: Vec<Person>,
    pub visits: Vec<Visit>,
    pub forget_entries: Vec<Uuid>,
    pub forget_people: Vec<Uuid>,
    pub forget_visits: Vec<Uuid>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.people.is_empty()
            && self.visits.is_empty()
            && self.forget_entries.is_empty()
            && self.forget_people.is_empty()
            && self.forget_visits.is_empty()
    }
}

/// The open database.
pub struct Store {
    db: JsValue,
}

impl Store {
    /// Opens (and on first use creates) the database.
    pub async fn open() -> Result<Store, StorageError> {
        let factory = get(&js_sys::global(), "indexedDB");
        if factory.is_undefined() || factory.is_null() {
            return Err(StorageError);
        }
        let request = call(
            &factory,
            "open",
            &[&JsValue::from_str(NAME), &JsValue::from(VERSION)],
        )?;
        let upgrade = wasm_bindgen::closure::Closure::<dyn Fn()>::new({
            let request = request.clone();
            move || {
                let db = get(&request, "result");
                let existing = get(&db, "objectStoreNames");
                for name in STORES {
                    let name = JsValue::from_str(name);
                    let have = call(&existing, "contains", &[&name]).is_ok_and(|b| b.is_truthy());
                    if !have {
                        // Out-of-line keys: the record is a JSON string, its id the key.
                        let _ = call(&db, "createObjectStore", &[&name]);
                    }
                }
            }
        });
        let _ = Reflect::set(&request, &"onupgradeneeded".into(), upgrade.as_ref());
        let db = finished(&request).await;
        drop(upgrade);
        Ok(Store { db: db? })
    }

    /// A transaction over every store.
    fn transaction(&self, mode: &str) -> Result<JsValue, StorageError> {
        let stores: Array = STORES.iter().map(|s| JsValue::from_str(s)).collect();
        Ok(call(
            &self.db,
            "transaction",
            &[&stores, &JsValue::from_str(mode)],
        )?)
    }

    /// Reads everything back. Records that no longer parse (written by a newer version) are
    /// skipped rather than failing the whole read.
    pub async fn load(&self) -> Result<Stored, StorageError> {
        let tx = self.transaction("readonly")?;
        let entries = read_all(&tx, OUTBOX).await?;
        let people = read_all(&tx, PEOPLE).await?;
        let visits = read_all(&tx, VISITS).await?;
        Ok(Stored {
            entries,
            people,
            visits,
        })
    }

    /// Writes `changes` atomically; returns once they are durable.
    pub async fn save(&self, changes: &Changes) -> Result<(), StorageError> {
        if changes.is_empty() {
            return Ok(());
        }
        let tx = self.transaction("readwrite")?;
        let committed = committed(&tx);
        let outbox = store(&tx, OUTBOX)?;
        for entry in &changes.entries {
            put(&outbox, entry.id, entry)?;
        }
        for id in &changes.forget_entries {
            call(&outbox, "delete", &[&key(*id)])?;
        }
        let people = store(&tx, PEOPLE)?;
        for person in &changes.people {
            put(&people, person.id, person)?;
        }
        for id in &changes.forget_people {
            call(&people, "delete", &[&key(*id)])?;
        }
        let visits = store(&tx, VISITS)?;
        for visit in &changes.visits {
            put(&visits, visit.checkin_id, visit)?;
        }
        for id in &changes.forget_visits {
            call(&visits, "delete", &[&key(*id)])?;
        }
        committed.await?;
        Ok(())
    }

    /// Deletes every record ("Delete my data").
    pub async fn wipe(&self) -> Result<(), StorageError> {
        let tx = self.transaction("readwrite")?;
        let committed = committed(&tx);
        for name in STORES {
            call(&store(&tx, name)?, "clear", &[])?;
        }
        committed.await?;
        Ok(())
    }
}

/// The result of an IndexedDB request once it succeeded.
async fn finished(request: &JsValue) -> Result<JsValue, StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(request, &"onsuccess".into(), &resolve);
        let _ = Reflect::set(request, &"onerror".into(), &reject);
    });
    JsFuture::from(promise).await?;
    Ok(get(request, "result"))
}

/// Completes when transaction `tx` committed; fails if it aborted.
fn committed(tx: &JsValue) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(tx, &"oncomplete".into(), &resolve);
        let _ = Reflect::set(tx, &"onabort".into(), &reject);
        let _ = Reflect::set(tx, &"onerror".into(), &reject);
    }))
}

fn store(tx: &JsValue, name: &str) -> Result<JsValue, StorageError> {
    Ok(call(tx, "objectStore", &[&JsValue::from_str(name)])?)
}

fn key(id: Uuid) -> JsValue {
    JsValue::from_str(&id.to_string())
}

fn put<T: Serialize>(store: &JsValue, id: Uuid, value: &T) -> Result<(), StorageError> {
    let json = serde_json::to_string(value).map_err(|_| StorageError)?;
    call(store, "put", &[&JsValue::from_str(&json), &key(id)])?;
    Ok(())
}

async fn read_all<T: DeserializeOwned>(tx: &JsValue, name: &str) -> Result<Vec<T>, StorageError> {
    let request = call(&store(tx, name)?, "getAll", &[])?;
    let values: Array = finished(&request).await?.dyn_into()?;
    Ok(values
        .iter()
        .filter_map(|value| value.as_string())
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect())
}
