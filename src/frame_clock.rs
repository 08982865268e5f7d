//! Paces the decode loop at the camera's own rate: one call per new video frame where the
//! browser has `requestVideoFrameCallback` (Chromium, Safari, recent Firefox), a fixed interval
//! elsewhere. A timer faster than the camera would decode the same frame twice; a slower one
//! would add latency to the first read.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlVideoElement;

use crate::js;

/// Where `requestVideoFrameCallback` is missing: a camera's ~30 fps is more than decoding needs.
const FALLBACK_INTERVAL_MS: i32 = 80;

type Slot = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;

#[derive(Clone, Copy)]
enum Pending {
    VideoFrame(f64),
    Interval(i32),
}

/// Calls `on_frame` until dropped.
pub struct FrameClock {
    video: HtmlVideoElement,
    tick: Slot,
    pending: Rc<Cell<Option<Pending>>>,
}

impl FrameClock {
    pub fn start(video: &HtmlVideoElement, mut on_frame: impl FnMut() + 'static) -> Self {
        let tick: Slot = Rc::new(RefCell::new(None));
        let pending = Rc::new(Cell::new(None));
        let per_frame = js::method(video, "requestVideoFrameCallback").is_some();
        let closure = {
            let (tick, pending, video) = (tick.clone(), pending.clone(), video.clone());
            Closure::<dyn FnMut()>::new(move || {
                if per_frame {
                    // Callbacks are one-shot: ask for the next frame before the work, so a slow
                    // frame makes the loop skip frames rather than stall.
                    pending.set(request_video_frame(&video, &tick).map(Pending::VideoFrame));
                }
                on_frame();
            })
        };
        *tick.borrow_mut() = Some(closure);
        let first = if per_frame {
            request_video_frame(video, &tick).map(Pending::VideoFrame)
        } else {
            start_interval(&tick).map(Pending::Interval)
        };
        pending.set(first);
        Self {
            video: video.clone(),
            tick,
            pending,
        }
    }
}

impl Drop for FrameClock {
    fn drop(&mut self) {
        match self.pending.take() {
            Some(Pending::VideoFrame(handle)) => {
                if let Some(cancel) = js::method(&self.video, "cancelVideoFrameCallback") {
                    let _ = cancel.call1(&self.video, &JsValue::from_f64(handle));
                }
            }
            Some(Pending::Interval(id)) => {
                if let Some(window) = web_sys::window() {
                    window.clear_interval_with_handle(id);
                }
            }
            None => {}
        }
        // The closure holds the slot it sits in: taking it out breaks the cycle.
        self.tick.borrow_mut().take();
    }
}

fn request_video_frame(video: &HtmlVideoElement, tick: &Slot) -> Option<f64> {
    let request = js::method(video, "requestVideoFrameCallback")?;
    let tick = tick.borrow();
    let callback: &js_sys::Function = tick.as_ref()?.as_ref().unchecked_ref();
    request.call1(video, callback).ok()?.as_f64()
}

fn start_interval(tick: &Slot) -> Option<i32> {
    let tick = tick.borrow();
    web_sys::window()?
        .set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref()?.as_ref().unchecked_ref(),
            FALLBACK_INTERVAL_MS,
        )
        .ok()
}
