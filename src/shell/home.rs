//! Start screen: what the camera is for, the Scan button, the ways in without a live
//! camera (a photo of the poster, or the short code typed by hand), and the way to My QR.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use vaora_protocol::short_code::ShortCode;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use wasm_split_helpers::wasm_split;
use web_sys::{Element, HtmlInputElement};

use super::dom::{self, el, Texts};
use super::Shell;
use crate::api::{self, ApiProblem};
use crate::decoder::{Code, DecodeFailure};
use crate::i18n::{venue_code_error, Later, Msg, Said, Translate};
use crate::lazy::ChunkUnavailable;
use crate::options::MountOptions;

/// Where the fallbacks' problems are shown (`data-slot="problem"`).
const PROBLEM_SLOT: &str = "[data-slot=problem]";

/// Draws the home screen into the page area; `notice` says why the camera is not running.
pub(super) fn show(shell: &Shell, notice: Option<Msg>) {
    let texts = &shell.texts;
    let mut intro = el("section")
        .class("vaora-card")
        .child(el("p").text(texts, Msg::Tagline));
    if let Some(msg) = notice {
        intro = intro.child(
            el("p")
                .class("vaora-alert")
                .attr("role", "alert")
                .test("camera-error")
                .text(texts, msg),
        );
    }
    let scan_label = if notice.is_some() {
        Msg::RetryCamera
    } else {
        Msg::ScanButton
    };
    let intro = intro
        .child(
            el("p")
                .class("vaora-hint")
                .text(texts, Msg::CameraExplainer),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("vaora-primary")
                .test("scan")
                .action("scan")
                .text(texts, scan_label),
        );
    let code_input = el("input")
        .attr("id", "vaora-short-code")
        .test("short-code")
        .attr("autocomplete", "off")
        .attr("autocapitalize", "characters")
        .attr("spellcheck", "false");
    texts.attribute(&code_input.0, "placeholder", Msg::ShortCodeHint);
    let other_ways = el("section")
        .class("vaora-card")
        .attr("aria-labelledby", "vaora-other-ways")
        .child(
            el("h2")
                .attr("id", "vaora-other-ways")
                .class("vaora-subtitle")
                .text(texts, Msg::OtherWays),
        )
        .child(
            el("label")
                .class("vaora-secondary vaora-file")
                .text(texts, Msg::PhotoButton)
                .child(
                    el("input")
                        .attr("type", "file")
                        .attr("accept", "image/*")
                        .attr("capture", "environment")
                        .class("vaora-visually-hidden")
                        .test("photo")
                        .action("photo"),
                ),
        )
        .child(
            el("form")
                .class("vaora-short-code")
                .attr("novalidate", "")
                .action("short-code")
                .child(
                    el("label")
                        .attr("for", "vaora-short-code")
                        .text(texts, Msg::ShortCodeLabel),
                )
                .child(code_input)
                .child(
                    el("button")
                        .attr("type", "submit")
                        .class("vaora-secondary")
                        .test("short-code-go")
                        .text(texts, Msg::ShortCodeButton),
                ),
        )
        .child(el("div").attr("data-slot", "problem"));
    // What this device keeps for the visitor: visits, and the personal code (drawn by the
    // `myqr` chunk; here only the buttons).
    let mine = el("nav")
        .class("vaora-card vaora-mine")
        .child(
            el("button")
                .attr("type", "button")
                .class("vaora-secondary")
                .test("my-visits")
                .action("visits")
                .text(texts, Msg::MyVisits),
        )
        .child(
            el("button")
                .attr("type", "button")
                .class("vaora-secondary")
                .test("my-qr")
                .action("my-qr")
                .text(texts, Msg::MyQrButton),
        );
    texts.attribute(&mine.0, "aria-label", Msg::MineLabel);
    let page = shell.page();
    let _ = page.append_child(&intro.0);
    let _ = page.append_child(&other_ways.0);
    let _ = page.append_child(&mine.0);
}

/// The home screen's problem slot, if the home screen is showing.
fn problem_slot(shell: &Shell) -> Option<Element> {
    shell.page().query_selector(PROBLEM_SLOT).ok().flatten()
}

/// Shows `problem` (an alert) and the `foreign` code it is about, or clears both.
fn show_problem(shell: &Shell, problem: Option<Said>, foreign: Option<&Code>) {
    let Some(slot) = problem_slot(shell) else {
        return;
    };
    dom::replace_children(&slot, None);
    if let Some(msg) = problem {
        let alert = el("p")
            .class("vaora-alert")
            .attr("role", "alert")
            .test("fallback-error")
            .text(&shell.texts, msg);
        let _ = slot.append_child(&alert.0);
    }
    if let Some(code) = foreign {
        let _ = slot.append_child(&foreign_code(&shell.texts, code, false));
    }
}

/// A code that is not a Vaora venue code: says so (unless not `titled`: the caller already
/// does) and shows what it says (a menu link, a Wi-Fi code, a Japanese poster…), so the visitor
/// can tell which code they pointed at. Long texts are clamped by the style sheet.
pub(super) fn foreign_code(texts: &Texts, code: &Code, titled: bool) -> Element {
    let says = if code.text.is_some() {
        Msg::ForeignCodeSays
    } else {
        Msg::ForeignCodeNotText
    };
    let mut title = el("p")
        .class("vaora-foreign-title")
        .text(texts, Msg::ScanNotVaora);
    if !titled {
        title = title.attr("hidden", "");
    }
    let mut body = el("p").text(texts, says);
    if let Some(text) = &code.text {
        body = body
            .plain(" ")
            .child(el("q").attr("dir", "auto").test("foreign-text").plain(text));
    }
    el("div")
        .class("vaora-foreign")
        .test("foreign-code")
        .child(title)
        .child(body)
        .into_element()
}

/// A photo was picked: reads it with the same rqrr path as the camera. In the `fallbacks`
/// chunk, with the short-code form's handler: the first scan does not need them.
#[wasm_split(fallbacks, fallible)]
pub(super) fn photo_picked(shell: Rc<Shell>, input: Element) -> Result<(), ChunkUnavailable> {
    let Some(input) = input.dyn_ref::<HtmlInputElement>() else {
        return Ok(());
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(());
    };
    input.set_value("");
    show_problem(&shell, None, None);
    shell.announce(Later::PhotoDecoding);
    spawn_local(async move {
        if let Err((msg, foreign)) = decode_photo(&shell, file).await {
            shell.announce(msg);
            show_problem(&shell, Some(msg), foreign.as_ref());
        }
    });
    Ok(())
}

/// Opens the first venue code in the photo; without one, says so with the first code found.
async fn decode_photo(shell: &Rc<Shell>, file: web_sys::File) -> Result<(), (Said, Option<Code>)> {
    let plain = |msg: Said| (msg, None);
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
        .ok_or(plain(Later::PhotoUnreadable.texts()))?;
    let codes = shell
        .photo_decoder()
        .decode_file(buffer)
        .await
        .map_err(|err| match err {
            DecodeFailure::Crashed(report) => {
                shell.decoder_crashed(report);
                plain(Msg::DecoderRestarted.texts())
            }
            DecodeFailure::Unreadable(_) | DecodeFailure::Unavailable => {
                plain(Later::PhotoUnreadable.texts())
            }
        })?;
    if codes.is_empty() {
        return Err(plain(Later::PhotoNoCode.texts()));
    }
    for text in codes.iter().filter_map(|code| code.text.clone()) {
        let checked = shell
            .check_venue(text)
            .await
            .map_err(|ChunkUnavailable| plain(Msg::ErrNetwork.texts()))?;
        if let Ok(check) = checked {
            shell.show_venue(check);
            return Ok(());
        }
    }
    shell.foreign_code_read();
    Err((Msg::ScanNotVaora.texts(), codes.into_iter().next()))
}

/// The short-code form was submitted: looks the venue up and verifies it like a scanned code.
#[wasm_split(fallbacks, fallible)]
pub(super) fn short_code_submitted(
    shell: Rc<Shell>,
    form: Element,
) -> Result<(), ChunkUnavailable> {
    show_problem(&shell, None, None);
    let typed = form
        .query_selector("input")
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into::<HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default();
    let Ok(code) = ShortCode::parse(&typed) else {
        show_problem(&shell, Some(Later::ShortCodeInvalid.texts()), None);
        return Ok(());
    };
    spawn_local(async move {
        if let Err(msg) = find_by_short_code(&shell, code).await {
            show_problem(&shell, Some(msg), None);
        }
    });
    Ok(())
}

/// The venue code a short code stands for, fetched with the API client (the `lookup` chunk),
/// or what to tell the visitor.
type Lookup = Pin<Box<dyn Future<Output = Result<String, Said>>>>;

/// Starts the lookup of a short code; the returned future is the request.
#[wasm_split(lookup, fallible)]
fn lookup(options: MountOptions, code: ShortCode) -> Result<Lookup, ChunkUnavailable> {
    Ok(Box::pin(async move {
        api::lookup_venue(&options, code.as_str())
            .await
            .map(|venue| venue.venue_code)
            .map_err(|problem| match problem {
                ApiProblem::Network => Msg::ErrNetwork.texts(),
                ApiProblem::Rejected(err) if err.status == 404 => Later::ShortCodeUnknown.texts(),
                ApiProblem::Rejected(err) if err.status == 400 => Later::ShortCodeInvalid.texts(),
                _ => Msg::ErrServer.texts(),
            })
    }))
}

/// Fetches the venue's signed code by its short code and verifies it like a scanned one.
async fn find_by_short_code(shell: &Rc<Shell>, code: ShortCode) -> Result<(), Said> {
    let unavailable = |ChunkUnavailable| Msg::ErrNetwork.texts();
    let venue_code = lookup(shell.options().clone(), code)
        .await
        .map_err(unavailable)?
        .await?;
    let check = shell
        .check_venue(venue_code)
        .await
        .map_err(unavailable)?
        .map_err(|err| venue_code_error(err).texts())?;
    shell.show_venue(check);
    Ok(())
}
