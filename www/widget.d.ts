// Types of Vaora's JS API for host pages (`widget.js`, `vaora-checkin.js`).

/** A venue-code signing key the widget trusts: `{ kid, public_key }` as in `GET /v1/keys`. */
export interface TrustedKey {
  kid: string;
  public_key: string;
}

/** Options of `mount`; the `<vaora-checkin>` attribute of each is given in brackets. */
export interface VaoraOptions {
  /** Base URL of a compatible check-in API [`endpoint`]; `''` (default) is the page's origin. */
  endpoint?: string;
  /** Keys venue codes must be signed with [`trusted-keys`, JSON]; default: the endpoint's
   * published keys (`GET /v1/keys`, revoked ones left out, the last answer kept offline). */
  trustedKeys?: TrustedKey[];
  /** The visitors' widget or a venue's staff kiosk [`mode`]; default `citizen`. */
  mode?: 'citizen' | 'kiosk';
  /** A venue code or poster URL to open at once, e.g. on a venue's own page [`venue`]. */
  venue?: string;
  /** Initial language [`lang`]; default the visitor's last choice, else Vietnamese. */
  lang?: 'vi' | 'en';
  /** Colours [`theme`]: light (default), dark, or the device's setting (auto). `mount` sets the
   * element's `theme` attribute. */
  theme?: 'light' | 'dark' | 'auto';
  /** A kiosk's venue-staff token [`staff-token`]; without one the kiosk asks for the staff link. */
  staffToken?: string;
  /** Where the package's files are served from (a URL ending in `/`); default beside widget.js. */
  assets?: string;
  /** How long a check-in may go unanswered before it is retried, 1–600000 ms; default 15000. */
  requestTimeoutMs?: number;
}

/** A mounted widget. */
export interface VaoraHandle {
  readonly element: HTMLElement;
  /** Removes the widget: camera, decoder workers and listeners stop. Harmless twice. */
  unmount(): void;
  /** Switches the language; throws `VaoraOptionsError` for another tag. */
  setLang(lang: 'vi' | 'en'): void;
  /** Opens the camera to scan a venue's code (a kiosk scans all the time already). */
  scan(): void;
}

/** A bad option. */
export class VaoraOptionsError extends Error {
  readonly name: 'VaoraOptionsError';
  readonly code: 'unknown_option' | 'invalid_option' | 'missing_option';
  /** The option concerned (`''` when the options are not an object). */
  readonly option: string;
}

/** Renders the widget in a shadow root of `element` (replacing one mounted there before). */
export function mount(element: HTMLElement, options?: VaoraOptions): Promise<VaoraHandle>;

/** Defines the custom element (`vaora-checkin.js` does it on import). */
export function defineVaoraCheckin(name?: string): void;

/** `<vaora-checkin>`: configured by its attributes; changing one remounts it, except `lang`
 * (switches the language) and `theme` (styles only). */
export class VaoraCheckin extends HTMLElement {
  scan(): void;
  setLang(lang: 'vi' | 'en'): void;
}

/** `vaora:ready`: the widget is mounted. */
export interface ReadyDetail {
  mode: 'citizen' | 'kiosk';
}

/** `vaora:scan`: a code was read (camera, photo, typed short code, the `venue` option). */
export interface ScanDetail {
  /** `venue`: a genuine venue code; `refused`: a venue code that must not be used (see
   * `reason`); `other`: not a venue code; `person`: a personal code at a kiosk. */
  kind: 'venue' | 'refused' | 'other' | 'person';
  venueId?: number;
  venueName?: string;
  /** Why it was refused: a venue code's `expired`, `bad_signature`, `unknown_key`, … or a
   * personal code's `unrecognized`, `birth_date`, … */
  reason?: string;
  /** A kiosk's decision. */
  result?: 'in' | 'out' | 'inside' | 'refused';
  /** A kiosk's masked name and ID number, as on its screen. */
  masked?: string;
}

/** `vaora:checkin`: a check-in recorded on this device; it reaches the server when it can
 * (`vaora:pending` counts what has not). */
export interface CheckinDetail {
  /** The check-in's id (UUID), as the server stores it. */
  checkinIds: string[];
  venueId: number;
  venueName: string;
  /** Entered by venue staff: a kiosk scan or a paper declaration. */
  byStaff: boolean;
}

/** `vaora:checkout`: visits ended. At a kiosk, `checkinIds` holds the entry this kiosk made,
 * if it made it. */
export interface CheckoutDetail {
  checkinIds: string[];
  venueId?: number;
  byStaff: boolean;
}

/** `vaora:error`: something the visitor was also told, in the widget's language. */
export interface ErrorDetail {
  /** `network`, `camera_denied`, `camera_missing`, `camera_busy`, `camera_insecure_context`,
   * `camera_unsupported`, `camera_failed`, `decoder_crashed`; from `<vaora-checkin>` also an
   * options error's code or `mount_failed`. */
  code: string;
  message: string;
  /** For an options error: the option. */
  option?: string;
}

/** `vaora:pending`: requests on this device the server has not answered yet. */
export interface PendingDetail {
  count: number;
}

declare global {
  interface HTMLElementTagNameMap {
    'vaora-checkin': VaoraCheckin;
  }
  interface HTMLElementEventMap {
    'vaora:ready': CustomEvent<ReadyDetail>;
    'vaora:scan': CustomEvent<ScanDetail>;
    'vaora:checkin': CustomEvent<CheckinDetail>;
    'vaora:checkout': CustomEvent<CheckoutDetail>;
    'vaora:error': CustomEvent<ErrorDetail>;
    'vaora:pending': CustomEvent<PendingDetail>;
    /** A venue is on screen (no detail): the first scan is over. Vaora's own page registers
     * its service worker then. */
    'vaora:venue': CustomEvent<null>;
  }
}
