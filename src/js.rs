//! Loose access to JavaScript objects for the browser APIs web-sys types too strictly or
//! that some browsers lack: a missing property reads as `undefined`, never as an error.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// `object[key]`, or `undefined`.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `object[key] = value` (cannot fail on the plain objects we build).
pub fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

/// A plain object from key/value pairs.
pub fn object(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        set(&object, key, value);
    }
    object
}

/// `object[name]` when it is a function: methods some browsers do not have.
pub fn method(object: &JsValue, name: &str) -> Option<Function> {
    get(object, name).dyn_into().ok()
}

/// `target[method](...args)`. Calls made only from chunks go through this rather than typed
/// bindings: every typed binding is an import of the first-scan module.
pub fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = get(target, method).dyn_into()?;
    let args: Array = args.iter().copied().collect();
    function.apply(target, &args)
}

/// A date or time in `lang`: `what` is `toLocaleString`, `toLocaleDateString` or
/// `toLocaleTimeString`.
pub fn local_date(unix_ms: i64, what: &str, lang: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_ms as f64));
    call(&date, what, &[&JsValue::from_str(lang)])
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let timer = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
}

/// `future`'s output if it completes within `ms` milliseconds, else `None` (it is dropped).
pub async fn within<T>(ms: i32, future: impl std::future::Future<Output = T>) -> Option<T> {
    use std::future::Future;
    use std::pin::pin;
    use std::task::Poll;
    let mut future = pin!(future);
    let mut timer = pin!(sleep(ms));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
