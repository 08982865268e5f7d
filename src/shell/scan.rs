//! Live scanning: the camera in a `<video>`, one frame grabbed per new camera frame (one in
//! flight at a time, dropped while the worker is busy), only the scan region, decoded off the
//! main thread. The camera runs only while the page is visible (stopped when hidden, restarted
//! when shown) and restarts on the lens the visitor picks.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlVideoElement, MediaStream,
    MediaStreamTrack,
};

use super::dom::{self, el, Listener};
use super::home::foreign_code;
use super::{Screen, Shell};
use crate::camera;
use crate::components::camera_controls::{camera_controls, camera_controls_chunk};
use crate::decoder::{Code, DecodeFailure};
use crate::frame_clock::FrameClock;
use crate::i18n::Msg;
use crate::lazy::ChunkUnavailable;
use crate::{js, prefs, venue};

/// What is decoded of a frame. The overlay (`.vaora-frame` in style.css) is inset 15 %; the
/// decoder sees 10 % more on each side, since nobody aims exactly.
const SCAN_INSET: f32 = 0.10;
/// Regions are downscaled so their long side is at most this (QR posters fill the view).
const MAX_FRAME_SIDE: u32 = 960;
/// The viewfinder's aspect in style.css, for when the element has no size yet.
const DEFAULT_VIEW_ASPECT: f32 = 4.0 / 3.0;

/// Where a kiosk's camera sends every code it reads (each frame's, undebounced).
pub type KioskSink = Rc<dyn Fn(Code)>;

/// The scanning screen. Dropping it stops the camera.
pub(super) struct ScanView {
    shell: Weak<Shell>,
    me: Weak<ScanView>,
    video: HtmlVideoElement,
    controls_slot: Element,
    foreign_slot: Element,
    session: RefCell<Option<Rc<Session>>>,
    /// The Leptos camera controls' mount handle, for the running track.
    controls: RefCell<Option<Box<dyn Any>>>,
    /// The last code read that is not a venue code: announced once, not on every frame.
    foreign: RefCell<Option<Code>>,
    visibility: RefCell<Option<Listener>>,
    /// A venue kiosk's scanner: codes go there and scanning goes on; none for a visitor.
    kiosk: Option<KioskSink>,
}

impl ScanView {
    /// Draws the screen into `parent` and starts the camera on the remembered lens.
    pub(super) fn start(
        shell: &Rc<Shell>,
        parent: &Element,
        kiosk: Option<KioskSink>,
    ) -> Rc<ScanView> {
        let texts = &shell.texts;
        let video = el("video")
            .class("vaora-video")
            .attr("autoplay", "")
            .attr("aria-hidden", "true");
        let video_element: HtmlVideoElement = video
            .cast()
            .expect("a video element is an HtmlVideoElement");
        video_element.set_muted(true);
        let controls_slot = el("div").into_element();
        let foreign_slot = el("div").into_element();
        let mut feedback = el("input")
            .attr("type", "checkbox")
            .test("feedback")
            .action("feedback");
        if shell.feedback_on() {
            feedback = feedback.attr("checked", "");
        }
        let section = el("section")
            .class("vaora-card vaora-scan")
            .child(
                el("div")
                    .class("vaora-viewfinder")
                    .child(video)
                    .child(el("div").class("vaora-frame").attr("aria-hidden", "true")),
            )
            .child(dom::El(controls_slot.clone()))
            .child(el("p").class("vaora-hint").text(texts, Msg::ScanningHint))
            .child(dom::El(foreign_slot.clone()))
            .child(
                el("label")
                    .class("vaora-check")
                    .child(feedback)
                    .text(texts, Msg::FeedbackToggle),
            )
            .child(
                el("button")
                    .attr("type", "button")
                    .class("vaora-secondary")
                    .test("stop")
                    .action("stop")
                    .text(texts, Msg::StopButton),
            );
        let _ = parent.append_child(&section.0);

        let view = Rc::new_cyclic(|me| ScanView {
            shell: Rc::downgrade(shell),
            me: me.clone(),
            video: video_element,
            controls_slot,
            foreign_slot,
            session: RefCell::new(None),
            controls: RefCell::new(None),
            foreign: RefCell::new(None),
            visibility: RefCell::new(None),
            kiosk,
        });
        view.watch_visibility();
        if page_visible() {
            view.restart(prefs::lens());
        }
        view
    }

    /// Stops the camera when the page is hidden and starts it again when it is shown.
    fn watch_visibility(&self) {
        let document = dom::document();
        let me = self.me.clone();
        let listener = Listener::new(&document, "visibilitychange", move |_| {
            if let Some(view) = me.upgrade() {
                if page_visible() {
                    view.restart(prefs::lens());
                } else {
                    view.stop();
                }
            }
        });
        self.visibility.replace(Some(listener));
    }

    /// Stops the camera and its controls; the viewfinder shows nothing.
    fn stop(&self) {
        if let Some(session) = self.session.take() {
            session.stop();
        }
        self.video.set_src_object(None);
        dom::replace_children(&self.controls_slot, None);
        self.controls.take();
    }

    /// (Re)starts the camera on `lens` (a device id), or the default rear camera.
    fn restart(&self, lens: Option<String>) {
        self.stop();
        let Some(shell) = self.shell.upgrade() else {
            return;
        };
        let session = Rc::new(Session::default());
        self.session.replace(Some(session.clone()));
        shell.announce(Msg::CameraStarting);
        let me = self.me.clone();
        let video = self.video.clone();
        let kiosk = self.kiosk.is_some();
        spawn_local(async move {
            match camera::start(&video, lens.as_deref()).await {
                Ok(stream) if session.alive() => {
                    shell.announce(Msg::ScanningHint);
                    session.run(&shell, me, video, stream);
                }
                Ok(stream) => camera::stop(&stream),
                // A kiosk stays on its screen, which says what is wrong.
                Err(err) if session.alive() && kiosk => shell.fail(err.code(), err.message()),
                Err(err) if session.alive() => {
                    shell.fail(err.code(), err.message());
                    shell.go(Screen::Home {
                        notice: Some(err.message()),
                    });
                }
                Err(_) => {}
            }
        });
    }

    /// The first frame is decoded: fetch the venue check now, so that reading a code does not
    /// wait for it (failure is fine: the check fetches it again), and the camera controls.
    fn first_frame_decoded(&self, session: &Rc<Session>) {
        spawn_local(async {
            let _ = venue::venue_chunk().await;
        });
        let Some(track) = session.track() else {
            return;
        };
        let (Some(shell), me) = (self.shell.upgrade(), self.me.clone()) else {
            return;
        };
        let slot = self.controls_slot.clone();
        let session = Rc::downgrade(session);
        spawn_local(async move {
            if camera_controls_chunk().await.is_err() {
                return; // without their chunk there are no controls; scanning goes on
            }
            let Some(view) = me.upgrade() else {
                return;
            };
            if !session.upgrade().is_some_and(|s| s.alive()) {
                return;
            }
            let picked = me.clone();
            // Restarting unmounts the controls: not from inside their own event handler.
            let pick = Rc::new(move |lens: String| {
                prefs::set_lens(&lens);
                let picked = picked.clone();
                spawn_local(async move {
                    if let Some(view) = picked.upgrade() {
                        view.restart(Some(lens));
                    }
                });
            });
            let mounted = crate::lazy::loaded(camera_controls(shell, slot, track, pick));
            if let Ok(handle) = mounted {
                view.controls.replace(Some(handle));
            }
        });
    }

    /// A code that is not a venue code is in view: announced and shown once.
    fn foreign_seen(&self, shell: &Shell, code: Code) {
        if self.foreign.borrow().as_ref() == Some(&code) {
            return;
        }
        shell.announce(Msg::ScanNotVaora);
        shell.foreign_code_read();
        let shown = foreign_code(&shell.texts, &code, true);
        dom::replace_children(&self.foreign_slot, Some(&shown));
        self.foreign.replace(Some(code));
    }
}

impl Drop for ScanView {
    fn drop(&mut self) {
        self.stop();
    }
}

fn page_visible() -> bool {
    dom::document().visibility_state() != web_sys::VisibilityState::Hidden
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

    fn track(&self) -> Option<MediaStreamTrack> {
        self.stream.borrow().as_ref().and_then(camera::video_track)
    }

    fn run(
        self: &Rc<Self>,
        shell: &Rc<Shell>,
        view: Weak<ScanView>,
        video: HtmlVideoElement,
        stream: MediaStream,
    ) {
        self.stream.replace(Some(stream));
        let Some(grabber) = FrameGrabber::new(video) else {
            self.stop();
            shell.go(Screen::Home {
                notice: Some(Msg::ErrCameraOther),
            });
            return;
        };
        let session = Rc::downgrade(self);
        let shell = Rc::downgrade(shell);
        let clock = FrameClock::start(&grabber.video.clone(), move || {
            if let (Some(session), Some(shell), Some(view)) =
                (session.upgrade(), shell.upgrade(), view.upgrade())
            {
                session.on_tick(shell, view, &grabber);
            }
        });
        self.clock.replace(Some(clock));
    }

    fn on_tick(self: Rc<Self>, shell: Rc<Shell>, view: Rc<ScanView>, grabber: &FrameGrabber) {
        if self.stopped.get() || self.busy.get() {
            return; // drop this frame: the worker is still on the previous one
        }
        let Some(frame) = grabber.grab() else {
            return;
        };
        self.busy.set(true);
        let number = self.frames.get();
        self.frames.set(number.wrapping_add(1));
        let decoder = shell.decoder().clone();
        spawn_local(async move {
            let outcome = decoder.decode_image_data(&frame, number).await;
            if number == 0 {
                view.first_frame_decoded(&self);
            }
            if !self.stopped.get() {
                match (outcome, &view.kiosk) {
                    (Ok(codes), Some(kiosk)) => codes.into_iter().for_each(|code| kiosk(code)),
                    (Ok(codes), None) => self.on_codes(&shell, &view, codes).await,
                    (Err(DecodeFailure::Crashed(report)), _) => shell.decoder_crashed(report),
                    (Err(_), _) => {}
                }
            }
            // Only now: the codes of one frame are checked before the next frame's.
            self.busy.set(false);
        });
    }

    async fn on_codes(&self, shell: &Rc<Shell>, view: &ScanView, codes: Vec<Code>) {
        for code in codes {
            let text = code.text.clone().unwrap_or_default();
            let checked = shell.check_venue(text).await;
            if self.stopped.get() {
                return;
            }
            match checked {
                Ok(Ok(check)) => {
                    self.stop();
                    shell.code_read();
                    shell.show_venue(check);
                    return;
                }
                Ok(Err(_)) => view.foreign_seen(shell, code),
                // The check could not be fetched: said, and tried again on the next frame.
                Err(ChunkUnavailable) => shell.fail("network", Msg::ErrNetwork),
            }
        }
    }

    fn stop(&self) {
        self.stopped.set(true);
        // Dropping the clock cancels the next frame callback.
        drop(self.clock.take());
        if let Some(stream) = self.stream.take() {
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
        use wasm_bindgen::JsCast;
        let canvas: HtmlCanvasElement = el("canvas").cast()?;
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
