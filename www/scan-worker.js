// Camera-frame decoder worker: rqrr (crates/scan-worker) off the main thread. Protocol: worker-host.js.
import init, { decode_rgba } from './vaora_scan_worker.js';
import { serve } from './worker-host.js';

serve(init({ module_or_path: new URL('./vaora_scan_worker_bg.wasm', import.meta.url) }), {
  frame: (request, rgba) =>
    decode_rgba(request.width >>> 0, request.height >>> 0, rgba, request.frame >>> 0),
});
