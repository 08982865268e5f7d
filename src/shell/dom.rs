//! A few lines of DOM building for the shell's screens, and the translated texts they show.
//! The shell draws the first screens without a UI framework so that the first scan needs none.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

use crate::i18n::{t, Lang, Said, Translate};

/// The page's document. Vaora is mounted only into pages, which always have one.
pub fn document() -> Document {
    web_sys::window()
        .and_then(|window| window.document())
        .expect("Vaora is mounted in a page, which has a document")
}

/// An element being built.
pub struct El(pub Element);

/// A new `tag` element.
pub fn el(tag: &str) -> El {
    El(document()
        .create_element(tag)
        .expect("Vaora creates only valid tag names"))
}

impl El {
    pub fn class(self, class: &str) -> Self {
        self.0.set_class_name(class);
        self
    }

    pub fn attr(self, name: &str, value: &str) -> Self {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// The name end-to-end tests find it by.
    pub fn test(self, name: &str) -> Self {
        self.attr("data-test", name)
    }

    /// What the shell does when it is clicked, changed or submitted (`Shell::act`).
    pub fn action(self, action: &str) -> Self {
        self.attr("data-action", action)
    }

    /// Appends `msg`, kept in the current language.
    pub fn text(self, texts: &Texts, msg: impl Translate) -> Self {
        let _ = self.0.append_child(&texts.node(msg));
        self
    }

    /// Appends text that is not translated (a venue's name, a code's payload).
    pub fn plain(self, text: &str) -> Self {
        let _ = self.0.append_with_str_1(text);
        self
    }

    pub fn child(self, child: El) -> Self {
        let _ = self.0.append_child(&child.0);
        self
    }

    pub fn into_element(self) -> Element {
        self.0
    }

    /// As a `T` (e.g. `HtmlVideoElement` for a `video`).
    pub fn cast<T: JsCast>(&self) -> Option<T> {
        self.0.clone().dyn_into().ok()
    }
}

/// Links the stylesheet at `href` into the widget's `root`, once: the styles of screens the
/// first scan does not show are fetched with the code that shows them. In the root, not the
/// document's head: inside a host's shadow root only the shadow root's own styles apply.
pub fn link_stylesheet(root: &Element, href: &str) {
    let linked = root
        .query_selector(&format!("link[href=\"{href}\"]"))
        .ok()
        .flatten();
    if linked.is_none() {
        let link = el("link").attr("rel", "stylesheet").attr("href", href);
        let _ = root.append_child(&link.0);
    }
}

/// Moves the focus to the first element in `scope` matching `selector`, if there is one (an invalid
/// answer, so its error is read out; the first field of a form cleared for the next person).
pub fn focus_first(scope: &Element, selector: &str) {
    let first = scope
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(first) = first {
        let _ = first.focus();
    }
}

/// Replaces everything in `parent` with `child`, if any.
pub fn replace_children(parent: &Element, child: Option<&Element>) {
    parent.set_text_content(None);
    if let Some(child) = child {
        let _ = parent.append_child(child);
    }
}

/// One piece of the page that shows a message: a text node or an attribute.
struct Bound {
    node: Node,
    attribute: Option<&'static str>,
    /// The texts, not the message: messages of chunks are shown too, and their strings stay
    /// in the chunks.
    texts: Said,
}

impl Bound {
    fn show(&self, lang: Lang) {
        let text = t(lang, self.texts);
        match self.attribute {
            None => self.node.set_text_content(Some(text)),
            Some(name) => {
                if let Some(element) = self.node.dyn_ref::<Element>() {
                    let _ = element.set_attribute(name, text);
                }
            }
        }
    }
}

/// Every message the shell shows, so that switching language rewrites them in place (a screen
/// is never rebuilt for it: the camera keeps running).
pub struct Texts {
    lang: Cell<Lang>,
    bound: RefCell<Vec<Bound>>,
}

impl Texts {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang: Cell::new(lang),
            bound: RefCell::new(Vec::new()),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// `msg` in the current language now.
    pub fn get(&self, msg: impl Translate) -> &'static str {
        t(self.lang.get(), msg)
    }

    /// A text node showing `msg`.
    pub fn node(&self, msg: impl Translate) -> Node {
        self.node_of(msg.texts())
    }

    fn node_of(&self, texts: Said) -> Node {
        let node: Node = document().create_text_node(self.get(texts)).into();
        self.bound.borrow_mut().push(Bound {
            node: node.clone(),
            attribute: None,
            texts,
        });
        node
    }

    /// Sets `element`'s `attribute` to `msg`.
    pub fn attribute(&self, element: &Element, attribute: &'static str, msg: impl Translate) {
        let bound = Bound {
            node: element.clone().into(),
            attribute: Some(attribute),
            texts: msg.texts(),
        };
        bound.show(self.lang.get());
        self.bound.borrow_mut().push(bound);
    }

    /// Shows every message still on the page in `lang`, and forgets those that are gone.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        let mut bound = self.bound.borrow_mut();
        bound.retain(|b| b.node.is_connected());
        for b in bound.iter() {
            b.show(lang);
        }
    }

    /// Forgets messages no longer on the page (called when a screen is replaced).
    pub fn prune(&self) {
        self.bound.borrow_mut().retain(|b| b.node.is_connected());
    }
}

/// An event listener that is removed when dropped.
pub struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    callback: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    pub fn new(
        target: &web_sys::EventTarget,
        event: &'static str,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Self {
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        let _ = target.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        Self {
            target: target.clone(),
            event,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(
            self.event,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}
