// Shared body of Vaora's decoder workers (scan-worker.js for camera frames, photo-worker.js for
// uploaded photos). Each worker runs a Rust/WASM decoder off the main thread; nothing here needs
// eval or blob: URLs, so it works under `Content-Security-Policy: default-src 'self'`.
//
// Protocol (one reply per request, matched by `id`):
//   in:  { id, kind: 'frame', width, height, frame, data: ArrayBuffer }  RGBA ImageData,
//                                   transferred; `frame` counts frames (rotates harder passes)
//        { id, kind: 'file', data: ArrayBuffer }                   PNG or JPEG bytes
//   out: { ready: true }                          once, when the decoder is loaded
//        { id, results: [{ text, bytes }] }       text: string|null, bytes: Uint8Array (always
//                                                 the raw payload); text is null when the
//                                                 payload is not text in a known charset
//        { id, error: '<code>' }                  ordinary failure (e.g. 'unreadable_image',
//                                                 'unknown_kind' for a kind this worker lacks)
//        { id, crashed: true, message, report }   the wasm trapped (a Rust panic); this
//                                                 worker then closes: start a new one.
//                                                 report: the image it trapped on, a Blob
//                                                 (frames as PNG, photos as picked) or null,
//                                                 for the visitor to save and report
//        { error: 'init_failed', message }        the decoder could not be loaded; every
//                                                 queued request gets { id, error: 'init_failed' }
// Requests that arrive before the decoder is loaded are queued and answered in order.

/**
 * Serves decode requests. `ready`: a promise that resolves once the wasm is initialised;
 * `decoders`: `{ kind: (request, bytes) => results }` for the kinds this worker handles.
 */
export function serve(ready, decoders) {
  const queue = [];
  let loaded = false;
  // After a trap the wasm instance is in an unknown state and must not be called again.
  let dead = false;

  // Installed before init finishes so that no early message is lost.
  self.onmessage = (event) => {
    if (dead) return;
    if (loaded) handle(event.data);
    else queue.push(event.data);
  };

  ready.then(
    () => {
      loaded = true;
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
    const decode = decoders[request?.kind];
    if (!decode) {
      self.postMessage({ id, error: 'unknown_kind' });
      return;
    }
    let found;
    try {
      found = decode(request, bytesOf(request.data));
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        dead = true;
        crashReport(request).then((report) => {
          self.postMessage({ id, crashed: true, message: describe(err), report });
          self.close();
        });
        return;
      }
      // Rust's JsError carries a bare ScanError code as its message.
      self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const results = Array.from(found, ({ text, bytes, charsets }) => ({
      text: text ?? decodeRuns(bytes, charsets),
      bytes,
    }));
    // Each bytes array owns a fresh buffer copied out of wasm memory, so it can be transferred.
    self.postMessage({ id, results }, results.map((r) => r.bytes.buffer));
  }
}

// Text the wasm could not decode itself: it has no tables for Shift_JIS and the other multi-byte
// or legacy charsets (crates/scan/src/charset.rs), and names them instead as [label, start, end]
// runs of the payload. The platform's TextDecoder knows every WHATWG encoding. 'iso-8859-1' means
// ISO-8859-1 itself here, not the windows-1252 that TextDecoder reads for that label. A run that
// is not valid in its charset leaves the text null; the raw bytes are kept either way.
function decodeRuns(bytes, runs) {
  if (!Array.isArray(runs)) return null;
  try {
    return runs.map(([label, start, end]) => {
      const run = bytes.subarray(start, end);
      return label === 'iso-8859-1'
        ? String.fromCharCode(...run)
        : new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(run);
    }).join('');
  } catch {
    return null;
  }
}

// The image a trap happened on, as a file the visitor may save and send: wasm-bindgen copied the
// request's bytes into wasm memory, so the transferred buffer is still intact here. Camera frames
// become a PNG (OffscreenCanvas; null where the browser has none), photos stay as picked.
async function crashReport(request) {
  try {
    const bytes = bytesOf(request?.data);
    if (request?.kind !== 'frame') return new Blob([bytes], { type: photoType(bytes) });
    const { width, height } = request;
    const pixels = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
    return await canvas.convertToBlob({ type: 'image/png' });
  } catch {
    return null;
  }
}

function photoType(bytes) {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return 'application/octet-stream';
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
