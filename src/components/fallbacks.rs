//! The ways in without a live camera: a photo of the poster, or the short code typed by hand.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vaora_protocol::short_code::ShortCode;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_split_helpers::wasm_split;
use web_sys::HtmlInputElement;

use crate::api::{self, ApiProblem};
use crate::app::{use_ctx, Ctx};
use crate::components::foreign_code::{foreign_code_chunk, ForeignCode};
use crate::decoder::{Code, DecodeFailure};
use crate::i18n::{venue_code_error, Msg};
use crate::lazy::ChunkUnavailable;
use crate::options::MountOptions;

/// Photo upload and short-code form.
#[component]
pub fn Fallbacks() -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<Msg>);
    // The code in the photo when it is not a venue code, shown with the problem.
    let foreign = RwSignal::new(None::<Code>);
    let typed = RwSignal::new(String::new());

    let on_photo = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        problem.set(None);
        foreign.set(None);
        ctx.status.set(Some(Msg::PhotoDecoding));
        spawn_local(async move {
            let outcome = decode_photo(ctx, file, foreign).await;
            if let Err(msg) = outcome {
                ctx.status.set(Some(msg));
                problem.set(Some(msg));
            }
        });
    };

    let on_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        foreign.set(None);
        let Ok(code) = ShortCode::parse(&typed.get_untracked()) else {
            problem.set(Some(Msg::ShortCodeInvalid));
            return;
        };
        spawn_local(async move {
            if let Err(msg) = find_by_short_code(ctx, code).await {
                problem.set(Some(msg));
            }
        });
    };

    view! {
        <section class="vaora-card" aria-labelledby="vaora-other-ways">
            <h2 id="vaora-other-ways" class="vaora-subtitle">{ctx.tr(Msg::OtherWays)}</h2>
            <label class="vaora-secondary vaora-file">
                {ctx.tr(Msg::PhotoButton)}
                <input
                    type="file"
                    accept="image/*"
                    capture="environment"
                    class="vaora-visually-hidden"
                    data-test="photo"
                    on:change=on_photo
                />
            </label>
            <form class="vaora-short-code" on:submit=on_code novalidate>
                <label for="vaora-short-code">{ctx.tr(Msg::ShortCodeLabel)}</label>
                <input
                    id="vaora-short-code"
                    data-test="short-code"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    placeholder=ctx.tr(Msg::ShortCodeHint)
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button type="submit" class="vaora-secondary" data-test="short-code-go">
                    {ctx.tr(Msg::ShortCodeButton)}
                </button>
            </form>
            {move || problem.get().map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="fallback-error">{ctx.tr(msg)}</p>
            })}
            <ForeignCode foreign=foreign titled=false/>
        </section>
    }
}

/// Reads the photo with the same rqrr path as the camera and opens the first venue code in it;
/// without one, the first code found goes to `foreign`.
async fn decode_photo(
    ctx: Ctx,
    file: web_sys::File,
    foreign: RwSignal<Option<Code>>,
) -> Result<(), Msg> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
        .ok_or(Msg::PhotoUnreadable)?;
    let decoder = ctx.photo_decoder.get_value();
    let codes = decoder.decode_file(buffer).await.map_err(|err| match err {
        DecodeFailure::Crashed(report) => {
            ctx.decoder_crashed(report);
            Msg::DecoderRestarted
        }
        DecodeFailure::Unreadable(_) | DecodeFailure::Unavailable => Msg::PhotoUnreadable,
    })?;
    if codes.is_empty() {
        return Err(Msg::PhotoNoCode);
    }
    for text in codes.iter().filter_map(|code| code.text.clone()) {
        if let Ok(check) = ctx
            .check_venue(text)
            .await
            .map_err(|ChunkUnavailable| Msg::ErrNetwork)?
        {
            ctx.show_venue(check);
            return Ok(());
        }
    }
    foreign_code_chunk().await.map_err(|_| Msg::ErrNetwork)?;
    foreign.try_set(codes.into_iter().next());
    Err(Msg::ScanNotVaora)
}

/// The venue code a short code stands for, fetched with the API client (the `lookup` chunk),
/// or what to tell the visitor.
type Lookup = Pin<Box<dyn Future<Output = Result<String, Msg>>>>;

/// Starts the lookup of a short code; the returned future is the request.
#[wasm_split(lookup, fallible)]
fn lookup(options: MountOptions, code: ShortCode) -> Result<Lookup, ChunkUnavailable> {
    Ok(Box::pin(async move {
        api::lookup_venue(&options, code.as_str())
            .await
            .map(|venue| venue.venue_code)
            .map_err(|problem| match problem {
                ApiProblem::Network => Msg::ErrNetwork,
                ApiProblem::Rejected(err) if err.status == 404 => Msg::ShortCodeUnknown,
                ApiProblem::Rejected(err) if err.status == 400 => Msg::ShortCodeInvalid,
                _ => Msg::ErrServer,
            })
    }))
}

/// Fetches the venue's signed code by its short code and verifies it like a scanned one.
async fn find_by_short_code(ctx: Ctx, code: ShortCode) -> Result<(), Msg> {
    let unavailable = |ChunkUnavailable| Msg::ErrNetwork;
    let venue_code = lookup(ctx.options.get_value(), code)
        .await
        .map_err(unavailable)?
        .await?;
    let check = ctx
        .check_venue(venue_code)
        .await
        .map_err(unavailable)?
        .map_err(venue_code_error)?;
    ctx.show_venue(check);
    Ok(())
}
