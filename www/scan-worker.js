// QR scan worker: runs the Rust/WASM decoder (crates/scan-worker) off the main thread.
// Started as `new Worker('./scan-worker.js', { type: 'module' })`; needs no eval and
// no blob: URLs, so it works under `Content-Security-Policy: default-src 'self'`.
//
// Protocol (one reply per request, matched by `id`):
//   in:  { id, kind: 'frame', width, height, data: ArrayBuffer }  RGBA ImageData, transferred
//        { id, kind: 'file', data: ArrayBuffer }                   PNG or JPEG bytes
//   out: { ready: true }                          once, when the decoder is loaded
//        { id, results: [{ text, bytes }] }       text: string|null, bytes: Uint8Array
//        { id, error: '<code>' }                  ordinary failure (e.g. 'unreadable_image')
//        { id, crashed: true, message }           the wasm trapped (a Rust panic); this
//                                                 worker then closes: start a new one
//        { error: 'init_failed', message }        the decoder could not be loaded; every
//                                                 queued request gets { id, error: 'init_failed' }
// Requests that arrive before the decoder is loaded are queued and answered in order.

import init, { decode_rgba, decode_image_file } from './vaora_scan_worker.js';

const queue = [];
let ready = false;
// After a trap the wasm instance is in an unknown state and must not be called again.
let dead = false;

// Installed before init starts so that no early message is lost.
self.onmessage = (event) => {
  if (dead) return;
  if (ready) handle(event.data);
  else queue.push(event.data);
};

// The wasm URL is passed explicitly: bindings generated through wasm-bindgen-cli-support
// (rather than the CLI) omit the default path, and init() would then have nothing to fetch.
init({ module_or_path: new URL('./vaora_scan_worker_bg.wasm', import.meta.url) }).then(
  () => {
    ready = true;
    self.postMessage({ ready: true });
    for (const request of queue.splice(0)) handle(request);
  },
  (err) => {
    dead = true;
    self.postMessage({ error: 'init_failed', message: describe(err) });
    for (const request of queue.splice(0)) {
      self.postMessage({ id: request?.id, error: 'init_failed' });
    }
    self.close();
  },
);

function handle(request) {
  if (dead) return;
  const id = request?.id;
  let found;
  try {
    found = decode(request);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = true;
      self.postMessage({ id, crashed: true, message: describe(err) });
      self.close();
      return;
    }
    // Rust's JsError carries a bare ScanError code as its message.
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  const results = Array.from(found, ({ text, bytes }) => ({ text, bytes }));
  // Each bytes array owns a fresh buffer copied out of wasm memory, so it can be transferred.
  self.postMessage({ id, results }, results.map((r) => r.bytes.buffer));
}

function decode(request) {
  switch (request?.kind) {
    case 'frame':
      return decode_rgba(request.width >>> 0, request.height >>> 0, bytesOf(request.data));
    case 'file':
      return decode_image_file(bytesOf(request.data));
    default:
      throw new Error('unknown_kind');
  }
}

// A missing or wrong-typed payload becomes an empty buffer, which Rust rejects with a code.
function bytesOf(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}

function describe(err) {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
