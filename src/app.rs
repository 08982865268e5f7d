//! The widget's root: shared context, the screen state machine and the live region.

use leptos::prelude::*;
use leptos::task::spawn_local;
use vaora_protocol::api::CheckInReceipt;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::venue_code::VenueCodeError;

use crate::components::crash_report::CrashNotice;
use crate::components::lang_switch::LangSwitch;
use crate::decoder::{CrashReport, Decoder};
use crate::i18n::{t, Lang, Msg};
use crate::lazy::{self, ChunkUnavailable};
use crate::options::MountOptions;
use crate::pages::{declare, done, venue};
use crate::pages::{home::HomePage, scan::ScanPage};
use crate::prefs;
use crate::venue::{check_lazily, VenueCheck};

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
    Done(CheckInReceipt),
}

/// State shared by every component of one mounted widget.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub screen: RwSignal<Screen>,
    /// The declaration being typed, kept across screens so nothing typed is lost.
    pub draft: RwSignal<Declaration>,
    /// Beep and vibration when a code is read (switchable, remembered).
    pub feedback: RwSignal<bool>,
    /// The latest announcement for screen readers (and sighted people).
    pub status: RwSignal<Option<Msg>>,
    pub options: StoredValue<MountOptions>,
    /// Camera frames: rqrr in `scan-worker.js`.
    pub decoder: StoredValue<Decoder, LocalStorage>,
    /// Photos: `photo-worker.js`, started only when a photo is picked.
    pub photo_decoder: StoredValue<Decoder, LocalStorage>,
    /// The image a decoder last trapped on, offered for saving until dismissed.
    pub crash: RwSignal<Option<CrashReport>>,
}

impl Ctx {
    /// `msg` in the current language (tracks the language signal).
    pub fn t(&self, msg: Msg) -> &'static str {
        t(self.lang.get(), msg)
    }

    /// `msg` in the current language, as a reactive text for views. Every call returns the same
    /// closure type, so the UI wasm holds one copy of the code that renders it, not one per
    /// text (about a kilobyte each).
    pub fn tr(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(msg)
    }

    /// Checks text that may be a venue code against the pinned keys, now (in the `venue`
    /// chunk: the first call fetches it).
    pub async fn check_venue(
        &self,
        text: String,
    ) -> Result<Result<VenueCheck, VenueCodeError>, ChunkUnavailable> {
        let now = (js_sys::Date::now() / 1000.0) as u64;
        let trusted = self
            .options
            .with_value(|options| options.trusted_keys.clone());
        check_lazily(text, trusted, now).await
    }

    /// Switches to `screen` once the chunk that draws it is loaded (at once for the home and
    /// scan screens, which are in the main module); says so if it cannot be fetched.
    pub fn go(&self, screen: Screen) {
        let ctx = *self;
        spawn_local(async move {
            let ready = match &screen {
                Screen::Home { .. } | Screen::Scanning => Ok(()),
                Screen::Venue(_) => venue::venue_page_chunk().await,
                Screen::Declare(_) => declare::declare_page_chunk().await,
                Screen::Done(_) => done::done_page_chunk().await,
            };
            match ready {
                Ok(()) => ctx.screen.set(screen),
                Err(_) => ctx.status.set(Some(Msg::ErrNetwork)),
            }
        });
    }

    /// A decoder trapped and is being replaced: says so, and offers the image it trapped on.
    pub fn decoder_crashed(&self, report: Option<CrashReport>) {
        self.status.set(Some(Msg::DecoderRestarted));
        if let Some(report) = report {
            if let Some(old) = self
                .crash
                .try_update(|crash| crash.replace(report))
                .flatten()
            {
                old.revoke();
            }
        }
    }

    /// Shows a checked venue and announces it.
    pub fn show_venue(&self, check: VenueCheck) {
        self.status.set(Some(Msg::ScanFoundVenue));
        self.go(Screen::Venue(check));
    }
}

/// The context of the widget this component belongs to.
pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// A poster URL opened directly carries the venue code in its fragment: shows that venue
/// (announced when the fragment changed in an open page).
fn show_venue_from_location(ctx: Ctx, announce: bool) {
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
        return;
    };
    let Some(payload) = hash.strip_prefix('#').filter(|p| !p.is_empty()) else {
        return;
    };
    let payload = payload.to_owned();
    spawn_local(async move {
        match ctx.check_venue(payload).await {
            Ok(Ok(check)) if announce => ctx.show_venue(check),
            Ok(Ok(check)) => ctx.go(Screen::Venue(check)),
            Ok(Err(_)) => {}
            Err(ChunkUnavailable) => ctx.status.set(Some(Msg::ErrNetwork)),
        }
    });
}

/// The widget.
#[component]
pub fn App(options: MountOptions) -> impl IntoView {
    let lang = prefs::lang()
        .or_else(|| options.lang.as_deref().and_then(Lang::from_tag))
        .unwrap_or_default();
    let decoder = Decoder::new(options.asset_url("scan-worker.js"));
    let photo_decoder = Decoder::new(options.asset_url("photo-worker.js"));
    let ctx = Ctx {
        lang: RwSignal::new(lang),
        screen: RwSignal::new(Screen::Home { notice: None }),
        draft: RwSignal::new(Declaration::default()),
        status: RwSignal::new(None),
        feedback: RwSignal::new(prefs::feedback()),
        options: StoredValue::new(options),
        decoder: StoredValue::new_local(decoder),
        photo_decoder: StoredValue::new_local(photo_decoder),
        crash: RwSignal::new(None),
    };
    provide_context(ctx);
    show_venue_from_location(ctx, false);
    // Another poster opened in this tab changes only the fragment: no reload, just this event.
    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| {
        show_venue_from_location(ctx, true);
    });
    on_cleanup(move || on_hash.remove());
    on_cleanup(move || {
        ctx.decoder.try_with_value(Decoder::terminate);
        ctx.photo_decoder.try_with_value(Decoder::terminate);
        if let Some(report) = ctx.crash.try_get_untracked().flatten() {
            report.revoke();
        }
    });

    let page = move || match ctx.screen.get() {
        Screen::Home { notice } => view! { <HomePage notice=notice/> }.into_any(),
        Screen::Scanning => view! { <ScanPage/> }.into_any(),
        // Set by `Ctx::go`, once their chunk is loaded.
        Screen::Venue(check) => lazy::page(venue::venue_page(check)),
        Screen::Declare(check) => lazy::page(declare::declare_page(check)),
        Screen::Done(receipt) => lazy::page(done::done_page(receipt)),
    };
    view! {
        <div class="vaora" lang=move || ctx.lang.get().tag()>
            <header class="vaora-header">
                <h1 class="vaora-title">{ctx.tr(Msg::AppTitle)}</h1>
                <LangSwitch/>
            </header>
            <p class="vaora-status" role="status" aria-live="polite" data-test="status">
                {move || ctx.status.get().map(|msg| ctx.t(msg))}
            </p>
            <main class="vaora-page">{page}</main>
            <CrashNotice/>
        </div>
    }
}
