// Boots the citizen page: loads the widget's wasm and the server's configuration (trusted
// venue-code keys) in parallel, then mounts the widget. No inline script: runs under a strict CSP.
import init, { mount } from './vaora.js';

const root = document.getElementById('vaora-app');
const assets = new URL('./', import.meta.url).href;

async function loadConfig() {
  const response = await fetch(new URL('config.json', assets));
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return response.json();
}

try {
  const [config] = await Promise.all([loadConfig(), init()]);
  // The page keeps the handle so it can unmount; the widget stays mounted either way.
  window.vaora = mount(root, { ...config, assets });
} catch (error) {
  root.textContent = 'Không tải được Vaora. Hãy tải lại trang. / Vaora could not load. Please reload.';
  root.setAttribute('role', 'alert');
  console.error(error);
}
