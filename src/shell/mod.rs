//! The widget's frame, drawn straight with web-sys so that the first scan loads no UI
//! framework: the header with the language switch, the live region, the home and scan screens
//! and the crash notice. The later screens (venue, declaration, receipt, My QR) and the camera
//! controls are Leptos views from chunks, mounted into the shell's page area ([`crate::guest`]).
//!
//! Clicks, changes and submits are handled by one listener per event type on the widget's root,
//! by the `data-action` of the element they came from ([`Shell::act`]): the screens hold no
//! listener of their own to leak.

pub mod dom;
mod home;
mod scan;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use uuid::Uuid;
use vaora_protocol::venue_code::VenueCodeError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use wasm_split_helpers::wasm_split;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement};

use crate::decoder::{CrashReport, Decoder};
use crate::i18n::{Lang, Later, Msg, Translate};
use crate::lazy::{self, ChunkUnavailable};
use crate::options::MountOptions;
use crate::pages::{declare, done, my_qr, staff, venue as venue_page, visits};
use crate::venue::{check_lazily, VenueCheck};
use crate::{feedback, prefs};
use dom::{el, El, Listener, Texts};

/// Where the visitor is in the flow.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Start: scan, photo or typed code; `notice` explains why the camera is not running.
    Home {
        notice: Option<Msg>,
    },
    Scanning,
    /// A venue code was read: genuine or not.
    Venue(VenueCheck),
    /// Filling the declaration for a genuine venue.
    Declare(VenueCheck),
    /// The live confirmation of the check-ins just made (by check-in id).
    Done(Vec<Uuid>),
    /// "My visits": the visits on this device, check-out, and "Delete my data".
    Visits,
    /// The visitor's personal QR code (national v1.1), for venue staff to scan.
    MyQr,
}

/// Hears of a change of language.
pub type OnLang = Box<dyn Fn(Lang)>;

/// One mounted widget.
pub struct Shell {
    me: Weak<Shell>,
    options: MountOptions,
    pub texts: Texts,
    feedback: Cell<bool>,
    root: Element,
    status: Element,
    page: HtmlElement,
    crash_slot: Element,
    lang_buttons: Vec<Element>,
    /// Where the header shows "Pending (n)" once the device's data is loaded
    /// (`crate::device`, from a chunk).
    pending_slot: Element,
    pending_watched: Cell<bool>,
    /// Camera frames: rqrr in `scan-worker.js`.
    decoder: Decoder,
    /// Photos: `photo-worker.js`, started only when a photo is picked.
    photo_decoder: Decoder,
    /// What the current screen holds (the camera session, a Leptos view's mount handle);
    /// dropping it takes the screen down.
    view: RefCell<Option<Box<dyn Any>>>,
    /// Counts screen changes, so that a screen still loading gives way to a later choice.
    nav: Cell<u32>,
    /// The image a decoder last trapped on, offered for saving until dismissed.
    crash: RefCell<Option<CrashReport>>,
    /// The Leptos side, once a chunk has created it ([`crate::guest`]).
    guest: RefCell<Option<Rc<dyn Any>>>,
    /// Tells the Leptos side the language changed.
    on_lang: RefCell<Option<OnLang>>,
    listeners: RefCell<Vec<Listener>>,
}

impl Shell {
    /// Draws the widget into `host` and starts on the home screen (or the venue in the URL).
    pub fn mount(host: &HtmlElement, options: MountOptions) -> Rc<Shell> {
        // The host page's language first: a portal in English shows the widget in English.
        let lang = options
            .lang
            .as_deref()
            .and_then(Lang::from_tag)
            .or_else(prefs::lang)
            .unwrap_or_default();
        let texts = Texts::new(lang);
        let lang_buttons: Vec<Element> = [Lang::Vi, Lang::En]
            .into_iter()
            .map(|lang| {
                el("button")
                    .attr("type", "button")
                    .class("vaora-lang")
                    .attr("lang", lang.tag())
                    .test(&format!("lang-{}", lang.tag()))
                    .action("lang")
                    .plain(lang.autonym())
                    .into_element()
            })
            .collect();
        let langs = el("div").class("vaora-langs").attr("role", "group");
        texts.attribute(&langs.0, "aria-label", Msg::LanguageLabel);
        for button in &lang_buttons {
            let _ = langs.0.append_child(button);
        }
        let status = el("p")
            .class("vaora-status")
            .attr("role", "status")
            .attr("aria-live", "polite")
            .test("status")
            .into_element();
        let pending_slot = el("span").into_element();
        let page = el("main").class("vaora-page");
        let page: HtmlElement = page.cast().expect("a main element is an HtmlElement");
        let crash_slot = el("div").into_element();
        let root = el("div")
            .class("vaora")
            .child(
                el("header")
                    .class("vaora-header")
                    .child(el("h1").class("vaora-title").text(&texts, Msg::AppTitle))
                    .child(El(pending_slot.clone()))
                    .child(langs),
            )
            .child(El(status.clone()))
            .child(El(page.clone().into()))
            .child(El(crash_slot.clone()))
            .into_element();
        let _ = host.append_child(&root);

        let shell = Rc::new_cyclic(|me| Shell {
            me: me.clone(),
            decoder: Decoder::new(options.asset_url("scan-worker.js")),
            photo_decoder: Decoder::new(options.asset_url("photo-worker.js")),
            options,
            texts,
            feedback: Cell::new(prefs::feedback()),
            root,
            status,
            page,
            crash_slot,
            lang_buttons,
            pending_slot,
            pending_watched: Cell::new(false),
            view: RefCell::new(None),
            nav: Cell::new(0),
            crash: RefCell::new(None),
            guest: RefCell::new(None),
            on_lang: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        });
        shell.show_lang();
        shell.listen();
        if shell.options.kiosk {
            // Venue staff: their screens are not the visitors' (no `Screen` of their own).
            shell.in_chunk(staff::open(shell.clone()));
        } else {
            shell.go(Screen::Home { notice: None });
            if shell.options.venue.is_some() || shell.options.follow_address {
                shell.show_given_venue(false);
            }
        }
        // Check-ins left pending (or visits to end) last time: deliver them now.
        if prefs::device_hint() {
            shell.in_chunk(crate::device::resume(shell.clone()));
        }
        shell
    }

    fn listen(&self) {
        let mut listeners = self.listeners.borrow_mut();
        for event in ["click", "change", "submit"] {
            let me = self.me.clone();
            listeners.push(Listener::new(&self.root, event, move |ev| {
                if let Some(shell) = me.upgrade() {
                    shell.act(&ev);
                }
            }));
        }
        // Another poster opened in this tab changes only the fragment: no reload, this event.
        if let Some(window) = web_sys::window().filter(|_| self.options.follow_address) {
            let me = self.me.clone();
            listeners.push(Listener::new(&window, "hashchange", move |_| {
                if let Some(shell) = me.upgrade() {
                    shell.show_given_venue(true);
                }
            }));
        }
    }

    /// Does what the element an event came from is for (its `data-action`).
    fn act(self: &Rc<Self>, event: &Event) {
        let Some(actor) = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|target| target.closest("[data-action]").ok().flatten())
        else {
            return;
        };
        let action = actor.get_attribute("data-action").unwrap_or_default();
        match (event.type_().as_str(), action.as_str()) {
            ("click", "lang") => {
                if let Some(lang) = actor.get_attribute("lang").and_then(|t| Lang::from_tag(&t)) {
                    self.set_lang(lang);
                }
            }
            ("click", "scan") => self.go(Screen::Scanning),
            ("click", "visits") => self.go(Screen::Visits),
            ("click", "my-qr") => self.go(Screen::MyQr),
            ("click", "stop") => self.go(Screen::Home { notice: None }),
            ("click", "crash-dismiss") => self.dismiss_crash(),
            ("change", "feedback") => {
                let on = actor
                    .dyn_ref::<HtmlInputElement>()
                    .is_some_and(HtmlInputElement::checked);
                self.feedback.set(on);
                prefs::set_feedback(on);
            }
            ("change", "photo") => self.in_chunk(home::photo_picked(self.clone(), actor)),
            ("submit", "short-code") => {
                event.prevent_default();
                self.in_chunk(home::short_code_submitted(self.clone(), actor));
            }
            _ => {}
        }
    }

    /// Runs a handler from a chunk; says so if the chunk cannot be fetched. Boxed: one copy
    /// of the spawning code serves every handler (each future type would add its own to the
    /// first-scan module).
    fn in_chunk(
        self: &Rc<Self>,
        call: impl std::future::Future<Output = Result<(), ChunkUnavailable>> + 'static,
    ) {
        self.in_chunk_boxed(Box::pin(call));
    }

    fn in_chunk_boxed(
        self: &Rc<Self>,
        call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ChunkUnavailable>>>>,
    ) {
        let shell = self.clone();
        spawn_local(async move {
            if call.await.is_err() {
                shell.fail("network", Msg::ErrNetwork);
            }
        });
    }

    pub fn options(&self) -> &MountOptions {
        &self.options
    }

    pub fn lang(&self) -> Lang {
        self.texts.lang()
    }

    pub fn feedback_on(&self) -> bool {
        self.feedback.get()
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    pub fn photo_decoder(&self) -> &Decoder {
        &self.photo_decoder
    }

    /// Switches the whole widget to `lang` and remembers it on the device.
    pub fn set_lang(&self, lang: Lang) {
        self.texts.set_lang(lang);
        prefs::set_lang(lang);
        self.show_lang();
        if let Some(on_lang) = self.on_lang.borrow().as_ref() {
            on_lang(lang);
        }
    }

    fn show_lang(&self) {
        let lang = self.texts.lang();
        let _ = self.root.set_attribute("lang", lang.tag());
        for button in &self.lang_buttons {
            let pressed = button.get_attribute("lang").as_deref() == Some(lang.tag());
            let _ = button.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
        }
    }

    /// The header's place for "Pending (n)".
    pub(crate) fn pending_slot(&self) -> &Element {
        &self.pending_slot
    }

    /// Whether the pending count is already kept current (marks it so).
    pub(crate) fn watching_pending(&self) -> bool {
        self.pending_watched.replace(true)
    }

    /// Says what went wrong (`msg`) and tells the host page: `vaora:error` with `{ code,
    /// message }`, the message in the widget's language.
    pub fn fail(&self, code: &str, msg: impl Translate) {
        self.announce(msg);
        let message = self.texts.get(msg);
        let detail = crate::js::object(&[("code", code.into()), ("message", message.into())]);
        self.emit("vaora:error", &detail);
    }

    /// Tells the host page something happened: a bubbling, composed `CustomEvent` `name`
    /// (`vaora:…`) with `detail`, from the widget's root, so it crosses a shadow root to the
    /// host element. Built loosely: a typed `CustomEvent` would add imports to the first scan.
    pub fn emit(&self, name: &str, detail: &wasm_bindgen::JsValue) {
        let init = crate::js::object(&[
            ("detail", detail.clone()),
            ("bubbles", true.into()),
            ("composed", true.into()),
        ]);
        let window = web_sys::window().map(wasm_bindgen::JsValue::from);
        let constructor = window.map(|window| crate::js::get(&window, "CustomEvent"));
        let args = js_sys::Array::of2(&name.into(), &init);
        let event = constructor
            .and_then(|constructor| constructor.dyn_into::<js_sys::Function>().ok())
            .and_then(|constructor| js_sys::Reflect::construct(&constructor, &args).ok());
        if let Some(event) = event {
            let _ = crate::js::call(&self.root, "dispatchEvent", &[&event]);
        }
    }

    /// Tells the host page a code was read that is not a venue code (`vaora:scan`, `other`).
    pub fn foreign_code_read(&self) {
        self.emit(
            "vaora:scan",
            &crate::js::object(&[("kind", "other".into())]),
        );
    }

    /// Opens the camera, unless this is a kiosk (it scans all the time).
    pub fn scan(self: &Rc<Self>) {
        if !self.options.kiosk {
            self.go(Screen::Scanning);
        }
    }

    /// The widget's root element (inside the host's shadow root when embedded).
    pub(crate) fn root(&self) -> &Element {
        &self.root
    }

    /// Says `msg` in the live region (screen readers read it out; sighted people see it).
    pub fn announce(&self, msg: impl Translate) {
        dom::replace_children(&self.status, None);
        let _ = self.status.append_child(&self.texts.node(msg));
    }

    /// Switches to `screen`; a screen from a chunk replaces the current one only once its chunk
    /// is loaded, and a chunk that cannot be fetched is said, leaving the screen as it was.
    pub fn go(self: &Rc<Self>, screen: Screen) {
        let nav = self.nav.get().wrapping_add(1);
        self.nav.set(nav);
        match screen {
            Screen::Home { notice } => {
                self.clear();
                home::show(self, notice);
            }
            Screen::Scanning => {
                self.clear();
                let scan = scan::ScanView::start(self, &self.page, None);
                self.view.replace(Some(Box::new(scan)));
            }
            later => {
                let shell = self.clone();
                spawn_local(async move { shell.go_later(nav, later).await });
            }
        }
    }

    async fn go_later(self: Rc<Self>, nav: u32, screen: Screen) {
        let ready = match &screen {
            Screen::Venue(_) => venue_page::venue_page_chunk().await,
            Screen::Declare(_) => declare::declare_page_chunk().await,
            Screen::Done(_) => done::done_page_chunk().await,
            Screen::Visits => visits::visits_page_chunk().await,
            Screen::MyQr => my_qr::my_qr_page_chunk().await,
            Screen::Home { .. } | Screen::Scanning => Ok(()),
        };
        if self.nav.get() != nav {
            return; // the visitor went elsewhere meanwhile
        }
        if ready.is_err() {
            self.fail("network", Msg::ErrNetwork);
            return;
        }
        self.clear();
        let page = self.page.clone();
        let mounted = match screen {
            Screen::Venue(check) => lazy::loaded(venue_page::venue_page(self.clone(), page, check)),
            Screen::Declare(check) => {
                lazy::loaded(declare::declare_page(self.clone(), page, check))
            }
            Screen::Done(checkins) => lazy::loaded(done::done_page(self.clone(), page, checkins)),
            Screen::Visits => lazy::loaded(visits::visits_page(self.clone(), page)),
            Screen::MyQr => lazy::loaded(my_qr::my_qr_page(self.clone(), page)),
            Screen::Home { .. } | Screen::Scanning => return,
        };
        match mounted {
            Ok(view) => {
                self.view.replace(Some(view));
            }
            Err(ChunkUnavailable) => self.fail("network", Msg::ErrNetwork),
        }
    }

    /// A venue kiosk's camera drawn into `parent`, sending every code it reads to `kiosk`;
    /// it runs until the returned handle is dropped.
    pub fn kiosk_camera(self: &Rc<Self>, parent: &Element, kiosk: scan::KioskSink) -> Box<dyn Any> {
        Box::new(scan::ScanView::start(self, parent, Some(kiosk)))
    }

    /// Replaces the current screen by what `build` mounts into the page area.
    pub(crate) fn show_view(&self, build: impl FnOnce(HtmlElement) -> Box<dyn Any>) {
        self.nav.set(self.nav.get().wrapping_add(1));
        self.clear();
        let view = build(self.page.clone());
        self.view.replace(Some(view));
    }

    /// Takes the current screen down (the camera stops before another screen starts it).
    fn clear(&self) {
        drop(self.view.take());
        dom::replace_children(&self.page, None);
        self.texts.prune();
    }

    pub(crate) fn page(&self) -> &HtmlElement {
        &self.page
    }

    /// Checks text that may be a venue code against the pinned keys, now (in the `venue`
    /// chunk: the first call fetches it).
    pub async fn check_venue(
        &self,
        text: String,
    ) -> Result<Result<VenueCheck, VenueCodeError>, ChunkUnavailable> {
        let now = (js_sys::Date::now() / 1000.0) as u64;
        check_lazily(text, self.options.trusted_keys.clone(), now).await
    }

    /// Shows a checked venue and announces it.
    pub fn show_venue(self: &Rc<Self>, check: VenueCheck) {
        self.announce(Msg::ScanFoundVenue);
        self.go(Screen::Venue(check));
    }

    /// A code was read by the camera: beep and vibrate if the visitor wants it.
    pub fn code_read(&self) {
        if let Some(shell) = self.me.upgrade() {
            shell.in_chunk(feedback::code_read_lazily(self.feedback.get()));
        }
    }

    /// Shows the venue of the `venue` option, or (when the widget follows the page's address)
    /// of a poster URL opened directly, whose fragment is the venue code: announced when the
    /// fragment changed in an open page.
    fn show_given_venue(self: &Rc<Self>, announce: bool) {
        let text = match &self.options.venue {
            Some(venue) => venue.clone(),
            None => {
                let hash = web_sys::window().and_then(|w| w.location().hash().ok());
                match hash.as_deref().and_then(|hash| hash.strip_prefix('#')) {
                    Some(payload) if !payload.is_empty() => payload.to_owned(),
                    _ => return,
                }
            }
        };
        let shell = self.clone();
        spawn_local(async move {
            match shell.check_venue(text).await {
                Ok(Ok(check)) if announce => shell.show_venue(check),
                Ok(Ok(check)) => shell.go(Screen::Venue(check)),
                Ok(Err(_)) => {}
                Err(ChunkUnavailable) => shell.fail("network", Msg::ErrNetwork),
            }
        });
    }

    /// A decoder trapped and is being replaced: says so, and offers the image it trapped on
    /// (a plain download link: nothing leaves the device) until dismissed, under every screen.
    /// The notice is drawn from a chunk: it is rare, and the first scan should not carry it.
    pub fn decoder_crashed(&self, report: Option<CrashReport>) {
        self.fail("decoder_crashed", Msg::DecoderRestarted);
        if let (Some(report), Some(shell)) = (report, self.me.upgrade()) {
            shell.in_chunk(show_crash_notice(shell.clone(), report));
        }
    }

    fn dismiss_crash(&self) {
        dom::replace_children(&self.crash_slot, None);
        if let Some(report) = self.crash.take() {
            report.revoke();
        }
    }

    /// The Leptos side's slot ([`crate::guest`]); `on_lang` hears of language changes.
    pub(crate) fn guest(&self) -> &RefCell<Option<Rc<dyn Any>>> {
        &self.guest
    }

    pub(crate) fn set_on_lang(&self, on_lang: OnLang) {
        self.on_lang.replace(Some(on_lang));
    }

    /// Removes the widget: stops the camera and the decoders, unmounts every view.
    pub fn unmount(&self) {
        self.nav.set(self.nav.get().wrapping_add(1));
        self.clear();
        self.on_lang.take();
        self.guest.take();
        self.listeners.take();
        self.decoder.terminate();
        self.photo_decoder.terminate();
        self.dismiss_crash();
        self.root.remove();
    }
}

/// Draws the crash notice of [`Shell::decoder_crashed`] (in the `fallbacks` chunk).
#[wasm_split(fallbacks, fallible)]
fn show_crash_notice(shell: Rc<Shell>, report: CrashReport) -> Result<(), ChunkUnavailable> {
    let notice = el("aside")
        .class("vaora-card vaora-crash")
        .test("crash-report")
        .child(el("p").text(&shell.texts, Later::CrashReportText))
        .child(
            el("a")
                .class("vaora-secondary")
                .attr("href", &report.url)
                .attr("download", &report.file_name)
                .test("crash-save")
                .text(&shell.texts, Later::CrashReportSave),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("vaora-secondary")
                .test("crash-dismiss")
                .action("crash-dismiss")
                .text(&shell.texts, Later::CrashReportDismiss),
        );
    dom::replace_children(&shell.crash_slot, Some(&notice.0));
    if let Some(old) = shell.crash.replace(Some(report)) {
        old.revoke();
    }
    Ok(())
}
