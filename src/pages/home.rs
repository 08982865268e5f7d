//! Start screen: what the camera is for, the Scan button, and the other ways in.

use leptos::prelude::*;

use crate::app::{use_ctx, Screen};
use crate::components::fallbacks::Fallbacks;
use crate::i18n::Msg;

/// Home; `notice` is shown when the camera could not be used.
#[component]
pub fn HomePage(notice: Option<Msg>) -> impl IntoView {
    let ctx = use_ctx();
    let camera_failed = notice.is_some();
    view! {
        <section class="vaora-card">
            <p>{ctx.tr(Msg::Tagline)}</p>
            {notice.map(|msg| view! {
                <p class="vaora-alert" role="alert" data-test="camera-error">{ctx.tr(msg)}</p>
            })}
            <p class="vaora-hint">{ctx.tr(Msg::CameraExplainer)}</p>
            <button
                type="button"
                class="vaora-primary"
                data-test="scan"
                on:click=move |_| ctx.screen.set(Screen::Scanning)
            >
                {ctx.tr(if camera_failed { Msg::RetryCamera } else { Msg::ScanButton })}
            </button>
        </section>
        <Fallbacks/>
    }
}
