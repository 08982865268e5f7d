//! The Leptos side of a widget: the screens after the first scan (venue, declaration, receipt)
//! and the camera controls, all in chunks. Each is mounted into an element the shell gives it,
//! with [`Ctx`] provided; the shell stays the owner of the screen state, the language and the
//! live region.

use std::any::Any;
use std::rc::{Rc, Weak};

use leptos::prelude::*;
use std::sync::Arc;

use vaora_protocol::form::{Answers, DeclarationForm};
use web_sys::HtmlElement;

use crate::device::Device;
use crate::i18n::{t, Lang, Translate};
use crate::options::MountOptions;
use crate::shell::{Screen, Shell};

/// State shared by every Leptos view of one mounted widget.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    /// The declaration's answers being typed, kept across screens so nothing typed is lost.
    pub draft: RwSignal<Answers>,
    /// The declaration form, once fetched.
    pub form: RwSignal<Option<Arc<DeclarationForm>>>,
    /// Bumped whenever the device's data changed (a delivery, a check-out, a deletion), so
    /// views reading it through [`Ctx::device`] redraw.
    pub device_rev: RwSignal<u32>,
    device: StoredValue<Option<Rc<Device>>, LocalStorage>,
    /// This widget's subscription to the device, ended when the widget is unmounted.
    subscription: StoredValue<Option<u32>>,
    shell: StoredValue<Weak<Shell>, LocalStorage>,
}

/// What the shell keeps of the Leptos side: the owner of its signals, and the context.
struct Guest {
    _owner: Owner,
    ctx: Ctx,
}

impl Ctx {
    /// The Leptos side of `shell`, created on first use.
    fn of(shell: &Rc<Shell>) -> Ctx {
        if let Some(guest) = shell.guest().borrow().as_ref() {
            if let Some(guest) = guest.downcast_ref::<Guest>() {
                return guest.ctx;
            }
        }
        // The later screens' styles, fetched with their first screen (not by the first scan).
        crate::shell::dom::link_stylesheet(shell.root(), &shell.options().asset_url("later.css"));
        let owner = Owner::new();
        let ctx = owner.with(|| Ctx {
            lang: RwSignal::new(shell.lang()),
            draft: RwSignal::new(Answers::new()),
            form: RwSignal::new(None),
            device_rev: RwSignal::new(0),
            device: StoredValue::new_local(None),
            subscription: StoredValue::new(None),
            shell: StoredValue::new_local(Rc::downgrade(shell)),
        });
        owner.with(|| {
            on_cleanup(move || {
                let device = ctx.device.try_get_value().flatten();
                let id = ctx.subscription.try_get_value().flatten();
                if let (Some(device), Some(id)) = (device, id) {
                    device.unsubscribe(id);
                }
            })
        });
        let lang = ctx.lang;
        shell.set_on_lang(Box::new(move |new| lang.set(new)));
        let guest: Rc<dyn Any> = Rc::new(Guest { _owner: owner, ctx });
        shell.guest().replace(Some(guest));
        ctx
    }

    /// `msg` in the current language (tracks the language signal).
    pub fn t(&self, msg: impl Translate) -> &'static str {
        // `try_`: async work may outlive an unmounted widget, whose values are disposed.
        t(self.lang.try_get().unwrap_or_default(), msg)
    }

    /// `msg` in the current language, as a reactive text for views. Every call with one kind
    /// of message returns the same closure type, so the UI wasm holds one copy of the code that
    /// renders it, not one per text (about a kilobyte each).
    pub fn tr<M: Translate + Send + Sync + 'static>(
        self,
        msg: M,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(msg)
    }

    /// The device's data (people, visits, outbox), loaded on first use; this widget's views
    /// redraw when it changes ([`Ctx::device_rev`]) and its header shows what is pending.
    pub async fn device(&self) -> Rc<Device> {
        if let Some(device) = self.device.try_get_value().flatten() {
            return device;
        }
        let timeout = self.options().request_timeout_ms;
        let device = Device::get(timeout).await;
        // Still mounted (its values not disposed) and not loaded meanwhile by another view.
        if matches!(self.device.try_get_value(), Some(None)) {
            self.device.set_value(Some(device.clone()));
            let rev = self.device_rev;
            let id = device.subscribe(Rc::new(move || {
                rev.try_update(|n| *n = n.wrapping_add(1));
            }));
            self.subscription.set_value(Some(id));
            // Views waiting for the device draw now.
            self.device_rev.update(|n| *n = n.wrapping_add(1));
            if let Some(shell) = self.shell() {
                device.watch_pending(&shell);
            }
        }
        device
    }

    /// Starts loading the device's data; views reading [`Ctx::device_now`] draw once it is in.
    pub fn load_device(self) {
        leptos::task::spawn_local(async move {
            self.device().await;
        });
    }

    /// The device, if already loaded (tracks changes to it).
    pub fn device_now(&self) -> Option<Rc<Device>> {
        self.device_rev.track();
        self.device.try_get_value().flatten()
    }

    /// The widget's shell, while it is mounted.
    pub(crate) fn shell(&self) -> Option<Rc<Shell>> {
        self.shell.try_with_value(Weak::upgrade).flatten()
    }

    /// Switches to `screen`. Deferred: the current view is unmounted, which must not happen
    /// inside its own event handler.
    pub fn go(&self, screen: Screen) {
        let Some(shell) = self.shell() else {
            return;
        };
        leptos::task::spawn_local(async move { shell.go(screen) });
    }

    /// Tells the host page something happened: the event `name` (`vaora:…`,
    /// [`crate::events`]).
    pub fn emit(&self, name: &str, detail: &impl serde::Serialize) {
        if let Some(shell) = self.shell() {
            crate::events::emit(&shell, name, detail);
        }
    }

    /// Ends the visits `ids` now for `reason`, says so, and tells the host page
    /// (`vaora:checkout`).
    pub async fn check_out(&self, ids: &[uuid::Uuid], reason: vaora_citizen::visits::Reason) {
        let device = self.device().await;
        for id in ids {
            device.check_out(*id, reason).await;
        }
        let venue_id = ids
            .first()
            .and_then(|id| device.with(|known| known.visits.get(*id).map(|visit| visit.venue_id)));
        self.emit(
            "vaora:checkout",
            &crate::events::CheckoutDetail {
                checkin_ids: ids.iter().map(ToString::to_string).collect(),
                venue_id,
                by_staff: false,
            },
        );
        self.announce(crate::i18n::Later::CheckedOut);
    }

    /// Moves the focus to the first element of this widget's screen matching `selector`.
    pub fn focus_first(&self, selector: &str) {
        if let Some(shell) = self.shell() {
            crate::shell::dom::focus_first(shell.page(), selector);
        }
    }

    /// Says `msg` in the shell's live region.
    pub fn announce(&self, msg: impl Translate) {
        if let Some(shell) = self.shell() {
            shell.announce(msg);
        }
    }

    /// The options the widget was mounted with.
    pub fn options(&self) -> MountOptions {
        self.shell()
            .map(|shell| shell.options().clone())
            .unwrap_or_default()
    }
}

/// The context of the view this component belongs to.
pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Mounts `view` into `parent` (appended) with the widget's context; dropping the returned
/// handle unmounts it.
pub fn mount<V: IntoView + 'static>(
    shell: &Rc<Shell>,
    parent: HtmlElement,
    view: impl FnOnce() -> V + 'static,
) -> Box<dyn Any> {
    let ctx = Ctx::of(shell);
    Box::new(leptos::mount::mount_to(parent, move || {
        provide_context(ctx);
        view()
    }))
}
