//! Live scanning: the camera in a `<video>`, one frame grabbed per new camera frame (one in
//! flight at a time, dropped while the worker is busy), only the scan region, decoded off the
//! main thread.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamTrack,
};

use crate::app::{use_ctx, Ctx, Screen};
use crate::camera;
use crate::components::camera_controls::{camera_controls, camera_controls_chunk};
use crate::components::foreign_code::{foreign_code_chunk, ForeignCode};
use crate::decoder::{Code, DecodeFailure};
use crate::frame_clock::FrameClock;
use crate::i18n::Msg;
use crate::lazy::{self, ChunkUnavailable};
use crate::{feedback, js, prefs, venue};

/// What is decoded of a frame. The overlay (`.vaora-frame` in style.css) is inset 15 %; the
/// decoder sees 10 % more on each side, since nobody aims exactly.
const SCAN_INSET: f32 = 0.10;
/// Regions are downscaled so their long side is at most this (QR posters fill the view).
const MAX_FRAME_SIDE: u32 = 960;
/// The viewfinder's aspect in style.css, for when the element has no size yet.
const DEFAULT_VIEW_ASPECT: f32 = 4.0 / 3.0;

/// The scanning screen: the camera runs only while the page is visible (stopped when hidden,
/// restarted when shown again) and is restarted on the lens the visitor picks. The last code
/// read that is not a venue code is shown with its text.
#[component]
pub fn ScanPage() -> impl IntoView {
    let ctx = use_ctx();
    let visible = RwSignal::new(page_visible());
    let lens = RwSignal::new(prefs::lens());
    let foreign = RwSignal::new(None::<Code>);
    watch_visibility(visible);

    view! {
        <section class="vaora-card vaora-scan">
            {move || {
                let chosen = lens.get();
                visible.get().then(|| view! { <CameraView lens=chosen pick=lens foreign=foreign/> })
            }}
            <p class="vaora-hint">{ctx.tr(Msg::ScanningHint)}</p>
            <ForeignCode foreign=foreign titled=true/>
            <label class="vaora-check">
                <input
                    type="checkbox"
                    data-test="feedback"
                    prop:checked=move || ctx.feedback.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.feedback.set(on);
                        prefs::set_feedback(on);
                    }
                />
                {ctx.tr(Msg::FeedbackToggle)}
            </label>
            <button
                type="button"
                class="vaora-secondary"
                data-test="stop"
                on:click=move |_| ctx.screen.set(Screen::Home { notice: None })
            >
                {ctx.tr(Msg::StopButton)}
            </button>
        </section>
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}

/// Keeps `visible` in step with the page's visibility until the component is cleaned up.
fn watch_visibility(visible: RwSignal<bool>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let listener = Closure::<dyn FnMut()>::new(move || visible.set(page_visible()));
    let _ = document
        .add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
    let held = SendWrapper::new((document, listener));
    on_cleanup(move || {
        let (document, listener) = &*held;
        let _ = document.remove_event_listener_with_callback(
            "visibilitychange",
            listener.as_ref().unchecked_ref(),
        );
    });
}

/// The live camera with its optional controls (torch, zoom, lens: from a chunk, once the first
/// frame is decoded) and the decode loop; codes read that are not venue codes go to `foreign`.
#[component]
fn CameraView(
    lens: Option<String>,
    pick: RwSignal<Option<String>>,
    foreign: RwSignal<Option<Code>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let video = NodeRef::<Video>::new();
    let track = StoredValue::new_local(None::<MediaStreamTrack>);
    // Set once the first frame is decoded and the controls' chunk is loaded.
    let controls_ready = RwSignal::new(false);
    let session = SendWrapper::new(Rc::new(Session::default()));
    let for_cleanup = session.clone();
    on_cleanup(move || for_cleanup.stop());

    let starting = session.clone();
    video.on_load(move |element| {
        let session = starting.clone();
        ctx.status.set(Some(Msg::CameraStarting));
        spawn_local(async move {
            let element: HtmlVideoElement = element;
            match camera::start(&element, lens.as_deref()).await {
                Ok(stream) if session.alive() => {
                    ctx.status.set(Some(Msg::ScanningHint));
                    track.set_value(camera::video_track(&stream));
                    Session::run(&session, ctx, element, stream, foreign, controls_ready);
                }
                Ok(stream) => camera::stop(&stream),
                Err(err) => {
                    ctx.status.set(Some(err.message()));
                    ctx.screen.set(Screen::Home {
                        notice: Some(err.message()),
                    });
                }
            }
        });
    });

    view! {
        <div class="vaora-viewfinder">
            <video node_ref=video class="vaora-video" autoplay=true muted=true aria-hidden="true"></video>
            <div class="vaora-frame" aria-hidden="true"></div>
        </div>
        {move || {
            // Tracks `controls_ready` (set after the track), then draws for the track.
            let ready = controls_ready.get();
            let track = track.get_value().filter(|_| ready)?;
            Some(lazy::page(camera_controls(track, pick)))
        }}
    }
}

/// One camera session: the stream, the frame clock, and whether a frame is being decoded.
#[derive(Default)]
struct Session {
    stopped: Cell<bool>,
    busy: Cell<bool>,
    /// Frames sent to the decoder so far.
    frames: Cell<u32>,
    stream: RefCell<Option<MediaStream>>,
    clock: RefCell<Option<FrameClock>>,
}

impl Session {
    fn alive(&self) -> bool {
        !self.stopped.get()
    }

    fn run(
        self_: &Rc<Self>,
        ctx: Ctx,
        video: HtmlVideoElement,
        stream: MediaStream,
        foreign: RwSignal<Option<Code>>,
        controls_ready: RwSignal<bool>,
    ) {
        *self_.stream.borrow_mut() = Some(stream);
        let Some(grabber) = FrameGrabber::new(video) else {
            self_.stop();
            ctx.screen.set(Screen::Home {
                notice: Some(Msg::ErrCameraOther),
            });
            return;
        };
        let weak: Weak<Session> = Rc::downgrade(self_);
        let clock = FrameClock::start(&grabber.video.clone(), move || {
            if let Some(session) = weak.upgrade() {
                session.on_tick(ctx, &grabber, foreign, controls_ready);
            }
        });
        *self_.clock.borrow_mut() = Some(clock);
    }

    fn on_tick(
        self: Rc<Self>,
        ctx: Ctx,
        grabber: &FrameGrabber,
        foreign: RwSignal<Option<Code>>,
        controls_ready: RwSignal<bool>,
    ) {
        if self.stopped.get() || self.busy.get() {
            return; // drop this frame: the worker is still on the previous one
        }
        let Some(frame) = grabber.grab() else {
            return;
        };
        self.busy.set(true);
        let number = self.frames.get();
        self.frames.set(number.wrapping_add(1));
        let decoder = ctx.decoder.get_value();
        spawn_local(async move {
            let outcome = decoder.decode_image_data(&frame, number).await;
            if number == 0 {
                // The first frame is decoded: now fetch the venue check, so that reading a
                // code does not wait for it (failure is fine: the check fetches it again), and
                // the camera controls (without their chunk there are none).
                spawn_local(async {
                    let _ = venue::venue_chunk().await;
                });
                spawn_local(async move {
                    if camera_controls_chunk().await.is_ok() {
                        controls_ready.try_set(true);
                    }
                });
            }
            if !self.stopped.get() {
                match outcome {
                    Ok(codes) => self.on_codes(ctx, codes, foreign).await,
                    Err(DecodeFailure::Crashed(report)) => ctx.decoder_crashed(report),
                    Err(_) => {}
                }
            }
            // Only now: the codes of one frame are checked before the next frame's.
            self.busy.set(false);
        });
    }

    async fn on_codes(&self, ctx: Ctx, codes: Vec<Code>, foreign: RwSignal<Option<Code>>) {
        for code in codes {
            let text = code.text.clone().unwrap_or_default();
            let checked = ctx.check_venue(text).await;
            if self.stopped.get() {
                return;
            }
            match checked {
                Ok(Ok(check)) => {
                    self.stop();
                    feedback::code_read(ctx.feedback.get_untracked());
                    ctx.show_venue(check);
                    return;
                }
                Ok(Err(_)) => {
                    // Announce a foreign code once, not on every frame it stays in view.
                    if foreign.try_get_untracked().flatten().as_ref() != Some(&code)
                        && foreign_code_chunk().await.is_ok()
                    {
                        ctx.status.set(Some(Msg::ScanNotVaora));
                        foreign.try_set(Some(code));
                    }
                }
                // The check could not be fetched: said, and tried again on the next frame.
                Err(ChunkUnavailable) => ctx.status.set(Some(Msg::ErrNetwork)),
            }
        }
    }

    fn stop(&self) {
        self.stopped.set(true);
        // Dropping the clock cancels the next frame callback.
        drop(self.clock.borrow_mut().take());
        if let Some(stream) = self.stream.borrow_mut().take() {
            camera::stop(&stream);
        }
    }
}

/// Copies the scan region of video frames into a reusable canvas, downscaled, as `ImageData`.
struct FrameGrabber {
    video: HtmlVideoElement,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
}

impl FrameGrabber {
    fn new(video: HtmlVideoElement) -> Option<Self> {
        let canvas: HtmlCanvasElement = web_sys::window()?
            .document()?
            .create_element("canvas")
            .ok()?
            .dyn_into()
            .ok()?;
        // Tells the browser to keep the canvas in CPU memory: we read every frame back.
        let settings = js::object(&[("willReadFrequently", JsValue::TRUE)]);
        let context = canvas
            .get_context_with_context_options("2d", &settings)
            .ok()??
            .dyn_into()
            .ok()?;
        Some(Self {
            video,
            canvas,
            context,
        })
    }

    /// The viewfinder as laid out now: the video element fills it.
    fn viewfinder(&self) -> vaora_scan::Viewfinder {
        let (w, h) = (self.video.client_width(), self.video.client_height());
        let aspect = if w > 0 && h > 0 {
            w as f32 / h as f32
        } else {
            DEFAULT_VIEW_ASPECT
        };
        vaora_scan::Viewfinder {
            aspect,
            inset: SCAN_INSET,
            max_side: MAX_FRAME_SIDE,
        }
    }

    fn grab(&self) -> Option<web_sys::ImageData> {
        // HAVE_CURRENT_DATA: a frame is available.
        if self.video.ready_state() < 2 {
            return None;
        }
        let plan = self
            .viewfinder()
            .plan(self.video.video_width(), self.video.video_height())?;
        if self.canvas.width() != plan.width || self.canvas.height() != plan.height {
            self.canvas.set_width(plan.width);
            self.canvas.set_height(plan.height);
        }
        let source = plan.source;
        self.context
            .draw_image_with_html_video_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                &self.video,
                source.x.into(),
                source.y.into(),
                source.width.into(),
                source.height.into(),
                0.0,
                0.0,
                plan.width.into(),
                plan.height.into(),
            )
            .ok()?;
        self.context
            .get_image_data(0.0, 0.0, plan.width.into(), plan.height.into())
            .ok()
    }
}
