// Vaora for host pages: the widget rendered in a shadow root of any element (`mount`), or as the
// `<vaora-checkin>` custom element (`defineVaoraCheckin`; importing `vaora-checkin.js` defines
// it). The wasm, its workers and its styles are fetched from beside this file: a host serves the
// package's files from its own origin, which is what a strict CSP (`script-src 'self'`,
// `worker-src 'self'`) allows.
import init, { mount as mountCore } from './vaora.js';

const BASE = new URL('./', import.meta.url).href;
const THEMES = ['light', 'dark', 'auto'];
const LANGS = ['vi', 'en'];
/** The widget's frame elements exposed as `::part`s, and their names. */
const PARTS = [
  ['.vaora', 'root'],
  ['.vaora-header', 'header'],
  ['.vaora-title', 'title'],
  ['.vaora-status', 'status'],
  ['.vaora-page', 'page'],
];
/** The element's attributes, with the option each one sets. */
const ATTRIBUTES = {
  endpoint: 'endpoint',
  'trusted-keys': 'trustedKeys',
  venue: 'venue',
  mode: 'mode',
  lang: 'lang',
  theme: 'theme',
  'staff-token': 'staffToken',
};

/** A bad option: `code` is `unknown_option`, `invalid_option` or `missing_option`. */
export class VaoraOptionsError extends Error {
  constructor(code, option, message) {
    super(message);
    this.name = 'VaoraOptionsError';
    this.code = code;
    this.option = option;
  }
}

let loading;
/** Loads and instantiates the wasm once per page. */
function loadWasm() {
  loading ??= init();
  return loading;
}

/** Widgets mounted by this module, by host element: mounting again replaces the widget. */
const mounted = new WeakMap();
/** The latest mount still loading, by host element. */
const pending = new WeakMap();

/**
 * Renders the widget into a shadow root of `element` and resolves to its handle
 * (`unmount()`, `setLang(tag)`, `scan()`). Rejects with a `VaoraOptionsError` for a bad option.
 */
export async function mount(element, options = {}) {
  if (!(element instanceof HTMLElement)) {
    throw new TypeError('Vaora: mount(element, options) needs an HTML element');
  }
  if (options === null || typeof options !== 'object') {
    throw new VaoraOptionsError('invalid_option', '', 'Vaora: option ``: the options must be an object');
  }
  const { theme, ...core } = options;
  if (theme !== undefined && !THEMES.includes(theme)) {
    throw new VaoraOptionsError('invalid_option', 'theme', 'Vaora: option `theme`: `light`, `dark` or `auto`');
  }
  mounted.get(element)?.unmount();
  const ticket = {};
  pending.set(element, ticket);
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const styles = ['embed.css', 'style.css'].map((file) => stylesheet(file, typeof core.assets === 'string' ? core.assets : BASE));
  shadow.replaceChildren(...styles);
  const [trustedKeys] = await Promise.all([
    core.trustedKeys ?? publishedKeys(core.endpoint ?? ''),
    loadWasm(),
    // Drawn once styled. (A detached element's stylesheets do not load until it is attached.)
    ...(element.isConnected ? styles.map(loaded) : []),
  ]);
  if (pending.get(element) !== ticket) {
    throw new DOMException('Vaora: a later mount of this element replaced this one', 'AbortError');
  }
  pending.delete(element);
  if (theme !== undefined) element.setAttribute('theme', theme);
  const frame = document.createElement('div');
  frame.className = 'vaora-embed';
  shadow.append(frame);
  let widget;
  try {
    widget = mountCore(frame, { assets: BASE, ...core, trustedKeys });
  } catch (error) {
    shadow.replaceChildren();
    throw typed(error);
  }
  // The parts a host may style from outside (`vaora-checkin::part(header)`).
  for (const [selector, part] of PARTS) frame.querySelector(selector)?.setAttribute('part', part);
  let live = true;
  const handle = {
    element,
    /** Removes the widget: the camera, its decoders and listeners stop. Harmless twice. */
    unmount() {
      if (!live) return;
      live = false;
      widget.unmount();
      widget.free();
      shadow.replaceChildren();
      if (mounted.get(element) === handle) mounted.delete(element);
    },
    /** Switches the language (`vi` or `en`). */
    setLang(tag) {
      if (!LANGS.includes(tag)) {
        throw new VaoraOptionsError('invalid_option', 'lang', 'Vaora: option `lang`: `vi` or `en`');
      }
      if (live) widget.setLang(tag);
    },
    /** Opens the camera to scan a venue's code (a kiosk scans all the time). */
    scan() {
      if (live) widget.scan();
    },
  };
  mounted.set(element, handle);
  element.dispatchEvent(new CustomEvent('vaora:ready', {
    bubbles: true,
    composed: true,
    detail: { mode: core.mode ?? 'citizen' },
  }));
  return handle;
}

/** A `<link rel=stylesheet>` of one of the package's styles (in `base`), for the shadow root. */
function stylesheet(file, base) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL(file, new URL(base, document.baseURI)).href;
  return link;
}

/** Resolves once `link` has loaded (or failed: the widget is usable unstyled). */
function loaded(link) {
  return new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
  });
}

/**
 * The venue-code keys `endpoint` publishes (`GET /v1/keys`, revoked ones left out); the last
 * answer is kept so that a widget mounted offline still verifies codes.
 */
async function publishedKeys(endpoint) {
  if (typeof endpoint !== 'string') return []; // the core says what is wrong with it
  const remembered = `vaora.keys.${endpoint}`;
  try {
    const response = await fetch(`${endpoint.replace(/\/$/, '')}/v1/keys`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { keys } = await response.json();
    const trusted = keys
      .filter((key) => key.status !== 'revoked')
      .map(({ kid, public_key }) => ({ kid, public_key }));
    try {
      localStorage.setItem(remembered, JSON.stringify(trusted));
    } catch {
      // Storage refused (private mode): the keys are just not kept.
    }
    return trusted;
  } catch (error) {
    const kept = safeParse(localStorage.getItem(remembered));
    if (Array.isArray(kept)) return kept;
    throw new Error(`Vaora: the endpoint's keys could not be read (${error.message})`);
  }
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The core's `VaoraOptionsError`-named errors as instances of the class above. */
function typed(error) {
  if (error?.name === 'VaoraOptionsError') {
    return new VaoraOptionsError(error.code, error.option, error.message);
  }
  return error;
}

/** `<vaora-checkin>`: the widget as an element, configured by its attributes. */
export class VaoraCheckin extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  #handle = null;
  /** Counts (re)mounts, so that a mount still loading gives way to a later one. */
  #generation = 0;
  #scheduled = false;

  connectedCallback() {
    this.#schedule();
  }

  disconnectedCallback() {
    this.#generation += 1;
    this.#handle?.unmount();
    this.#handle = null;
  }

  attributeChangedCallback(name, before, after) {
    if (!this.isConnected || before === after) return;
    if (name === 'theme') return; // styles only: `:host([theme])`
    if (name === 'lang' && this.#handle && after) {
      try {
        this.#handle.setLang(after);
      } catch (error) {
        this.#fail(error);
      }
      return;
    }
    this.#schedule();
  }

  /** Opens the camera (see the handle's `scan`). */
  scan() {
    this.#handle?.scan();
  }

  /** Switches the language (`vi` or `en`) without touching the `lang` attribute. */
  setLang(tag) {
    this.#handle?.setLang(tag);
  }

  /**
   * Remounts once the current script is done: a page that sets several attributes after the
   * element is defined (or upgraded) gets one mount with all of them.
   */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#remount();
    });
  }

  async #remount() {
    this.#generation += 1;
    const generation = this.#generation;
    this.#handle?.unmount();
    this.#handle = null;
    try {
      const handle = await mount(this, this.#options());
      if (generation !== this.#generation) {
        handle.unmount();
        return;
      }
      this.#handle = handle;
    } catch (error) {
      if (generation === this.#generation) this.#fail(error);
    }
  }

  #options() {
    const options = {};
    for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value !== null && option !== 'theme') options[option] = value;
    }
    if (options.trustedKeys !== undefined) {
      const keys = safeParse(options.trustedKeys);
      if (!Array.isArray(keys)) {
        throw new VaoraOptionsError('invalid_option', 'trustedKeys',
          'Vaora: `trusted-keys` must be a JSON array of { kid, public_key }');
      }
      options.trustedKeys = keys;
    }
    return options;
  }

  /** Tells the page the element could not mount (`vaora:error`). */
  #fail(error) {
    console.error(error);
    this.dispatchEvent(new CustomEvent('vaora:error', {
      bubbles: true,
      composed: true,
      detail: {
        code: error?.code ?? 'mount_failed',
        message: String(error?.message ?? error),
        ...(error?.option === undefined ? {} : { option: error.option }),
      },
    }));
  }
}

/** Defines the element as `name` (once; a page may call it again harmlessly). */
export function defineVaoraCheckin(name = 'vaora-checkin') {
  if (!customElements.get(name)) {
    customElements.define(name, class extends VaoraCheckin {});
  }
}
