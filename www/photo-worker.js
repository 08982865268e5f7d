// Photo decoder worker (crates/photo-worker): PNG/JPEG → luma → the same rqrr pipeline. Loaded only
// when someone picks a photo, so its image decoders stay out of the first scan. Protocol: worker-host.js.
import init, { decode_image_file } from './vaora_photo_worker.js';
import { serve } from './worker-host.js';

serve(init({ module_or_path: new URL('./vaora_photo_worker_bg.wasm', import.meta.url) }), {
  file: (_request, bytes) => decode_image_file(bytes),
});
