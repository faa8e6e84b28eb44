// The crew app's service worker: it keeps a copy of the app's own files
// so that the app opens, and shows what waits in its outbox, in a dead
// zone. Network first for the page and the stable files (a new version
// shows as soon as the server answers), the copy when there is no answer
// within a few seconds; a versioned file from the copy first. It handles only
// the app's files under /m/; the API, WHIP and WHEP go to the network as
// always. (Browsers run service workers only over HTTPS or on localhost.)
//
// The server fills in VERSION (a hash of the app's files) and SHELL (the page
// and every file at its versioned URL) when it serves this file, so a new
// version of the app installs a new worker with a cache of its own, and the
// old version's cache goes when it takes over.
const VERSION = 'dev';
/** @type {string[]} */
const SHELL = [];
const CACHE = `fieldwatch-crew-${VERSION}`;

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const WAIT_MS = 4000;

sw.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fieldwatch-crew-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => sw.clients.claim()));
});

sw.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== sw.location.origin || !url.pathname.startsWith('/m/')) return;
  ev.respondWith(VERSIONED.test(url.pathname) ? cacheFirst(ev.request, url) : networkFirst(ev.request, url));
});

// VERSIONED matches the path of a versioned file, /m/<version>/...: its
// content never changes, so a copy is as good as the network's.
const VERSIONED = /^\/m\/[0-9a-f]{12}\//;

/**
 * cacheFirst answers a versioned file from the cache, else as networkFirst.
 * @param {Request} request
 * @param {URL} url
 * @returns {Promise<Response>}
 */
async function cacheFirst(request, url) {
  return (await caches.match(request)) ?? networkFirst(request, url);
}

/**
 * networkFirst answers from the network, or from the cache when the
 * network does not answer within WAIT_MS.
 * @param {Request} request
 * @param {URL} url
 * @returns {Promise<Response>}
 */
async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), WAIT_MS);
  try {
    const resp = await fetch(request, { signal: ctl.signal });
    if (resp.ok && resp.type === 'basic') await cache.put(request, resp.clone());
    return resp;
  } catch {
    const page = request.mode === 'navigate' || url.pathname === '/m/index.html';
    const hit = await cache.match(page ? '/m/' : request, { ignoreSearch: true });
    return hit ?? Response.error();
  } finally {
    clearTimeout(timer);
  }
}
