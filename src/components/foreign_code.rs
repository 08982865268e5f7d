//! A QR code was read that is not a Vaora venue code: say so, and show what it says (a menu
//! link, a Wi-Fi code, a Japanese poster…), so the visitor can tell which code they pointed at.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::decoder::Code;
use crate::i18n::Msg;

/// Longest part of a foreign code's text shown, in characters (a code holds up to ~7000).
const MAX_SHOWN_CHARS: usize = 300;

/// "This is not a Vaora venue code", with the code's text, or a note that it holds no text.
#[component]
pub fn ForeignCode(code: Code) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="vaora-foreign" data-test="foreign-code">
            <p class="vaora-foreign-title">{move || ctx.t(Msg::ScanNotVaora)}</p>
            <ForeignCodeSays code=code/>
        </div>
    }
}

/// Just what the code says (for a place that already states it is not a venue code).
#[component]
pub fn ForeignCodeSays(code: Code) -> impl IntoView {
    let ctx = use_ctx();
    match code.text.map(shortened) {
        Some(text) => view! {
            <p class="vaora-foreign-says">
                {move || ctx.t(Msg::ForeignCodeSays)}
                " "
                <q dir="auto" data-test="foreign-text">{text}</q>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="vaora-foreign-says" data-test="foreign-binary">
                {move || ctx.t(Msg::ForeignCodeNotText)}
            </p>
        }
        .into_any(),
    }
}

/// The text, cut to [`MAX_SHOWN_CHARS`] characters with an ellipsis.
fn shortened(text: String) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(shortened("テスト".into()), "テスト");
        let long = "東".repeat(MAX_SHOWN_CHARS + 5);
        let shown = shortened(long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with("東…"));
        let exact = "x".repeat(MAX_SHOWN_CHARS);
        assert_eq!(shortened(exact.clone()), exact);
    }
}
