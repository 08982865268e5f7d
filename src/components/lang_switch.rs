//! Vietnamese / English switch; the choice is remembered on the device.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::i18n::{Lang, Msg};
use crate::prefs;

/// Two toggle buttons, the current language pressed.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let ctx = use_ctx();
    let button = move |lang: Lang| {
        view! {
            <button
                type="button"
                class="vaora-lang"
                lang=lang.tag()
                aria-pressed=move || (ctx.lang.get() == lang).to_string()
                data-test=format!("lang-{}", lang.tag())
                on:click=move |_| {
                    ctx.lang.set(lang);
                    prefs::set_lang(lang);
                }
            >
                {lang.autonym()}
            </button>
        }
    };
    view! {
        <div class="vaora-langs" role="group" aria-label=ctx.tr(Msg::LanguageLabel)>
            {button(Lang::Vi)}
            {button(Lang::En)}
        </div>
    }
}
