//! The page side of a decoder worker (`scan-worker.js` for frames, `photo-worker.js` for
//! photos; each runs rqrr in its own wasm instance). A panic in rqrr traps only the worker: it
//! reports `crashed`, is dropped, and a fresh one is started on the next request, so the page
//! keeps working. The image it trapped on comes back as a [`CrashReport`] the visitor may save.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use futures_channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::js::{get, set};

/// One QR code found in an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The payload as text, in the charset the code declares or the decoder guessed (UTF-8,
    /// ISO-8859-1, Shift_JIS, …: `vaora-scan`'s `charset`); `None` for binary data.
    pub text: Option<String>,
    /// The raw payload bytes.
    pub bytes: Vec<u8>,
}

/// Why a decode request produced no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeFailure {
    /// The decoder trapped on this image; a new worker will be started.
    Crashed(Option<CrashReport>),
    /// The image could not be read (e.g. not a PNG/JPEG); the worker's error code.
    Unreadable(String),
    /// The worker could not be started or died.
    Unavailable,
}

/// The image a decoder trapped on, held by the page as an object URL so the visitor can save it
/// (nothing is sent anywhere). Whoever drops it from view calls [`CrashReport::revoke`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrashReport {
    /// `blob:` URL of the image.
    pub url: String,
    /// Suggested file name, e.g. `vaora-crash-1763900000000.png`.
    pub file_name: String,
}

impl CrashReport {
    /// The worker's `report` Blob (`worker-host.js`), if it sent one.
    fn from_blob(report: &JsValue) -> Option<Self> {
        let blob = report.dyn_ref::<web_sys::Blob>()?;
        let url = web_sys::Url::create_object_url_with_blob(blob).ok()?;
        let extension = match blob.type_().as_str() {
            "image/png" => "png",
            "image/jpeg" => "jpg",
            _ => "bin",
        };
        let stamp = js_sys::Date::now() as u64;
        Some(Self {
            url,
            file_name: format!("vaora-crash-{stamp}.{extension}"),
        })
    }

    /// Frees the image.
    pub fn revoke(&self) {
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

type Reply = oneshot::Sender<Result<Vec<Code>, DecodeFailure>>;

/// A lazily started decoder worker, restarted after a crash.
#[derive(Clone)]
pub struct Decoder {
    inner: Rc<Inner>,
}

struct Inner {
    script_url: String,
    worker: RefCell<Option<Running>>,
    /// Requests waiting for their answer, by id: at most a frame and a photo at a time, so a
    /// list (a map would add its hashing to the first scan's download).
    pending: RefCell<Vec<(u32, Reply)>>,
    next_id: Cell<u32>,
    crashes: Cell<u32>,
}

struct Running {
    worker: Worker,
    // Kept alive as long as the worker: the browser calls them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Decoder {
    /// A decoder whose worker script is at `script_url` (same origin, module worker).
    pub fn new(script_url: String) -> Self {
        Self {
            inner: Rc::new(Inner {
                script_url,
                worker: RefCell::new(None),
                pending: RefCell::new(Vec::new()),
                next_id: Cell::new(0),
                crashes: Cell::new(0),
            }),
        }
    }

    /// How many times the worker crashed and was replaced.
    pub fn crashes(&self) -> u32 {
        self.inner.crashes.get()
    }

    /// Decodes a camera frame (`ImageData`, RGBA; its pixel buffer is transferred, not copied).
    /// `frame` increases with every frame so the decoder can spread its harder passes.
    pub async fn decode_image_data(
        &self,
        image: &web_sys::ImageData,
        frame: u32,
    ) -> Result<Vec<Code>, DecodeFailure> {
        let data = Reflect::get(image, &"data".into()).map_err(|_| DecodeFailure::Unavailable)?;
        let buffer =
            Reflect::get(&data, &"buffer".into()).map_err(|_| DecodeFailure::Unavailable)?;
        let message = Object::new();
        set(&message, "kind", &"frame".into());
        set(&message, "width", &image.width().into());
        set(&message, "height", &image.height().into());
        set(&message, "frame", &frame.into());
        set(&message, "data", &buffer);
        self.request(message, buffer).await
    }

    /// Decodes an encoded photo (PNG/JPEG bytes).
    pub async fn decode_file(
        &self,
        bytes: js_sys::ArrayBuffer,
    ) -> Result<Vec<Code>, DecodeFailure> {
        let message = Object::new();
        set(&message, "kind", &"file".into());
        set(&message, "data", &bytes);
        self.request(message, bytes.into()).await
    }

    /// Stops the worker and fails whatever was in flight.
    pub fn terminate(&self) {
        self.inner.drop_worker();
    }

    async fn request(
        &self,
        message: Object,
        transfer: JsValue,
    ) -> Result<Vec<Code>, DecodeFailure> {
        let worker = self.inner.worker()?;
        let id = self.inner.next_id.get().wrapping_add(1);
        self.inner.next_id.set(id);
        set(&message, "id", &id.into());
        let (reply, answer) = oneshot::channel();
        self.inner.pending.borrow_mut().push((id, reply));
        if worker
            .post_message_with_transfer(&message, &Array::of1(&transfer))
            .is_err()
        {
            self.inner.take_pending(id);
            return Err(DecodeFailure::Unavailable);
        }
        answer.await.unwrap_or(Err(DecodeFailure::Unavailable))
    }
}

impl Inner {
    fn worker(self: &Rc<Self>) -> Result<Worker, DecodeFailure> {
        if let Some(running) = self.worker.borrow().as_ref() {
            return Ok(running.worker.clone());
        }
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&self.script_url, &options)
            .map_err(|_| DecodeFailure::Unavailable)?;
        let weak: Weak<Inner> = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.on_message(&event.data());
            }
        });
        let weak: Weak<Inner> = Rc::downgrade(self);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
            if let Some(inner) = weak.upgrade() {
                inner.drop_worker();
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.worker.borrow_mut() = Some(Running {
            worker: worker.clone(),
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(worker)
    }

    fn on_message(&self, data: &JsValue) {
        let Some(id) = get(data, "id").as_f64().map(|id| id as u32) else {
            return; // `{ ready: true }` and other notices
        };
        let crashed = get(data, "crashed").is_truthy();
        // Built only for a request still waiting, so no object URL is left unowned.
        let reply = self.take_pending(id);
        if let Some(reply) = reply {
            let result = if crashed {
                Err(DecodeFailure::Crashed(CrashReport::from_blob(&get(
                    data, "report",
                ))))
            } else if let Some(code) = get(data, "error").as_string() {
                Err(DecodeFailure::Unreadable(code))
            } else {
                Ok(codes(&get(data, "results")))
            };
            if let Err(Err(DecodeFailure::Crashed(Some(report)))) = reply.send(result) {
                report.revoke(); // the page stopped waiting
            }
        }
        if crashed {
            self.crashes.set(self.crashes.get() + 1);
            self.drop_worker();
        }
    }

    fn take_pending(&self, id: u32) -> Option<Reply> {
        let mut pending = self.pending.borrow_mut();
        let index = pending.iter().position(|(waiting, _)| *waiting == id)?;
        Some(pending.swap_remove(index).1)
    }

    fn drop_worker(&self) {
        if let Some(running) = self.worker.borrow_mut().take() {
            running.worker.terminate();
        }
        for (_, reply) in self.pending.take() {
            let _ = reply.send(Err(DecodeFailure::Unavailable));
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.drop_worker();
    }
}

fn codes(results: &JsValue) -> Vec<Code> {
    let Some(results) = results.dyn_ref::<Array>() else {
        return Vec::new();
    };
    results
        .iter()
        .map(|result| Code {
            text: get(&result, "text").as_string(),
            bytes: get(&result, "bytes")
                .dyn_into::<Uint8Array>()
                .map(|bytes| bytes.to_vec())
                .unwrap_or_default(),
        })
        .collect()
}
