// Boots the citizen page: loads the widget's wasm and the server's configuration (trusted
// venue-code keys) in parallel, then mounts the widget, then offers offline use (sw.js). No
// inline script: runs under a strict CSP.
import init, { mount } from './vaora.js';

const root = document.getElementById('vaora-app');
const assets = new URL('./', import.meta.url).href;

async function loadConfig() {
  const response = await fetch(new URL('config.json', assets));
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return response.json();
}

/** A visitor who has not opened the camera by then is not about to scan (ms after mount). */
const QUIET_MS = 10_000;

/**
 * Registers the service worker that keeps the app working offline, without competing with the
 * first scan for a slow network (its install downloads every file of the build): once a venue
 * is on screen (the widget's `vaora:venue`), or after QUIET_MS if the camera is not open.
 * Optional: where it is unsupported or refused, the page works as before.
 */
function offerOffline() {
  if (!('serviceWorker' in navigator)) return;
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    root.removeEventListener('vaora:venue', register);
    navigator.serviceWorker.register(new URL('sw.js', assets), { scope: assets })
      .catch((error) => console.warn('Vaora: no offline use:', error));
  };
  root.addEventListener('vaora:venue', register);
  setTimeout(() => {
    if (!root.querySelector('video')) register();
  }, QUIET_MS);
}

try {
  const [config] = await Promise.all([loadConfig(), init()]);
  // The page keeps the handle so it can unmount; the widget stays mounted either way.
  // This page is Vaora's own: the widget follows its address (the venue in the fragment, a
  // staff link's token) and `/staff` is the venue staff's kiosk.
  const mode = location.pathname.endsWith('/staff') ? 'kiosk' : 'citizen';
  window.vaora = mount(root, { ...config, assets, mode, followAddress: true });
  offerOffline();
} catch (error) {
  root.textContent = 'Không tải được Vaora. Hãy tải lại trang. / Vaora could not load. Please reload.';
  root.setAttribute('role', 'alert');
  console.error(error);
}
