//! After a decoder trapped: the image it trapped on, offered as a file the visitor may save and
//! attach to a bug report. Saving is a plain download link; nothing leaves the device.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::i18n::Msg;

/// Shown under every screen until dismissed, so a code read right after the crash does not take
/// the offer away. One reactive closure (re-run on a new report or language).
#[component]
pub fn CrashNotice() -> impl IntoView {
    let ctx = use_ctx();
    let dismiss = move |_| {
        if let Some(report) = ctx.crash.try_update(Option::take).flatten() {
            report.revoke();
        }
    };
    move || {
        ctx.crash.get().map(|report| {
            view! {
                <aside class="vaora-card vaora-crash" data-test="crash-report">
                    <p>{ctx.t(Msg::CrashReportText)}</p>
                    <a
                        class="vaora-secondary"
                        href=report.url
                        download=report.file_name
                        data-test="crash-save"
                    >
                        {ctx.t(Msg::CrashReportSave)}
                    </a>
                    <button type="button" class="vaora-secondary" data-test="crash-dismiss" on:click=dismiss>
                        {ctx.t(Msg::CrashReportDismiss)}
                    </button>
                </aside>
            }
        })
    }
}
