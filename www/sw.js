// Vaora's service worker: a link opened once keeps working offline. `cargo xtask build` stamps
// BUILD (a hash of the files below) and SHELL (every file of the build the page may load), so
// each release gets its own cache and replaces the previous one.
//
// Strategy, and why:
// - The app's files: cache first, from the cache of this build only. The first scan on 3G never
//   waits for this worker (the page registers it only once a venue is on screen), and later
//   visits load instantly, even offline. vaora.js, its wasm and its lazily fetched chunks must
//   come from the same build, so they are never revalidated one by one (stale-while-revalidate
//   would mix releases): a release changes this file, the browser installs the new worker beside
//   the old one, and the new cache takes over when no page of the old release is open (no
//   skipWaiting: an open page may still fetch chunks of its own release).
// - What the server knows (/config.json with the trusted keys, the declaration form, the units):
//   network first, so an online visitor always gets the current answer, and the last answer
//   when offline, so the venue check and the form still work there.
// - Every other /v1/ call (check-ins, lookups, ...): never touched; the app's outbox handles
//   offline.
const BUILD = '__VAORA_BUILD__';
const SHELL = '__VAORA_SHELL__'.split(' ');

const SHELL_CACHE = `vaora-shell-${BUILD}`;
/** Server data kept across releases: its answers do not depend on the build. */
const DATA_CACHE = 'vaora-data-v1';
const PREFIX = 'vaora-';

const base = new URL('./', self.location.href);
const shellUrls = new Set(SHELL.map((name) => new URL(name, base).href));
const configUrl = new URL('config.json', base).href;
/** Answers of the API that are kept for offline use (the last one only). */
const KEPT_API = [/^\/v1\/declaration-form$/, /^\/v1\/units(\/[^/]+)?$/];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // `no-cache`: revalidated with the server, so a stale HTTP cache cannot mix releases.
    await shell.addAll([...shellUrls].map((url) => new Request(url, { cache: 'no-cache' })));
    // Without the trusted keys the venue check cannot run offline: part of the install.
    const data = await caches.open(DATA_CACHE);
    await data.add(new Request(configUrl, { cache: 'no-cache' }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(PREFIX) && name !== SHELL_CACHE && name !== DATA_CACHE)
      .map((name) => caches.delete(name)));
    // Pages opened before this worker existed are served by it from now on.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (KEPT_API.some((path) => path.test(url.pathname)) || url.href.split('#')[0] === configUrl) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith('/v1/')) {
    // The API: network only.
  } else if (request.mode === 'navigate' && !lastSegmentHasDot(url.pathname)) {
    // The server answers any such path (`/`, `/c` of the posters) with the app's page.
    event.respondWith(fromShell(new URL('index.html', base).href, request));
  } else if (shellUrls.has(url.origin + url.pathname)) {
    event.respondWith(fromShell(url.origin + url.pathname, request));
  }
});

function lastSegmentHasDot(pathname) {
  return pathname.slice(pathname.lastIndexOf('/') + 1).includes('.');
}

/** The file of this build from its cache, or from the network if it is missing there. */
async function fromShell(key, request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(key, { ignoreVary: true });
  return cached ?? fetch(request);
}

/** The server's answer, kept for later; the last kept answer when the network fails. */
async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}
