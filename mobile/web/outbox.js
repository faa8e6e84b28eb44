// The outbox: everything the crew writes (reports with their photos,
// acknowledgements, "done" notes) is first stored on the phone in
// IndexedDB, photos as Blobs, then sent in order when the server answers.
// Nothing is removed before the server has taken it, so a reload, a
// closed tab or a dead battery loses nothing. The servers are idempotent
// (reports by client_id, photos by their hash, receipts by state), so an
// item sent twice after a cut mid-request is filed once.
//
// An item: {seq, owner, kind, created, state, attempts, error, next,
// label, payload, photos: [Blob], photoIds: [id|null]}. States: queued,
// sending, failed (the server refused it: kept until retried or deleted),
// held (photos kept for the hub that this origin cannot send).

const DB_NAME = 'fieldwatch-crew';
const STORE = 'outbox';
const LOCK = 'fieldwatch-crew-outbox';
const MAX_DELAY = 20000;

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDB() {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
  return req(r);
}

export class Outbox {
  constructor() {
    this.items = [];
    this.listeners = new Set();
    this.sender = null; // async (item, save) => void; throws APIError
    this.owner = '';
    this.onAuth = null; // the server wants a new login
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.again = false;
  }

  async open() {
    this.db = await openDB();
    // Ask the browser not to evict the outbox when the phone runs short of space.
    navigator.storage?.persist?.().catch(() => {});
    // A reload during a send left the item 'sending': send it again.
    for (const it of await this.all()) {
      if (it.state === 'sending') await this.put({ ...it, state: 'queued' });
    }
    await this.reload();
    addEventListener('online', () => this.kick(true));
    if ('BroadcastChannel' in globalThis) {
      this.channel = new BroadcastChannel(LOCK);
      this.channel.onmessage = () => this.reload().then(() => this.emit(false));
    }
  }

  // configure sets who is logged in and how to send; call kick to start.
  configure(owner, sender, onAuth) {
    Object.assign(this, { owner, sender, onAuth });
  }

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(broadcast = true) {
    for (const fn of this.listeners) fn(this.items);
    if (broadcast) this.channel?.postMessage('changed');
  }

  tx(mode) {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }

  all() {
    return req(this.tx('readonly').getAll());
  }

  async reload() {
    this.items = (await this.all()).sort((a, b) => a.seq - b.seq);
  }

  async put(item) {
    await req(this.tx('readwrite').put(item));
    await this.reload();
    this.emit();
  }

  // add stores a new item and starts sending it.
  async add(kind, { label = '', payload = {}, photos = [], state = 'queued', owner = this.owner } = {}) {
    const item = {
      owner, kind, label, payload, photos, photoIds: photos.map(() => null),
      created: new Date().toISOString(), state, attempts: 0, error: '', next: '',
    };
    const seq = await req(this.tx('readwrite').add(item));
    await this.reload();
    this.emit();
    this.kick(true);
    return seq;
  }

  async remove(seq) {
    await req(this.tx('readwrite').delete(seq));
    await this.reload();
    this.emit();
  }

  async retry(seq) {
    const it = this.items.find((i) => i.seq === seq);
    if (it) await this.put({ ...it, state: 'queued', attempts: 0, error: '', next: '' });
    this.kick(true);
  }

  // waiting lists what is not sent yet (held photos apart).
  waiting() {
    return this.items.filter((i) => i.state !== 'held');
  }

  // kick sends what waits; reset forgets the backoff (the network is back).
  kick(reset = false) {
    if (reset) {
      this.failures = 0;
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.timer) return;
    this.run();
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.run(); }, delay);
  }

  async run() {
    if (this.running) { this.again = true; return; }
    if (!this.sender || !this.db) return;
    this.running = true;
    try {
      if (navigator.locks) {
        // One tab sends at a time; another tab that holds the lock sends.
        await navigator.locks.request(LOCK, { ifAvailable: true }, async (lock) => {
          if (lock) await this.drain();
          else this.schedule(3000);
        });
      } else {
        await this.drain();
      }
    } finally {
      this.running = false;
      this.emit();
    }
  }

  async drain() {
    do {
      this.again = false;
      await this.reload();
      for (const snapshot of this.items) {
        if (snapshot.owner !== this.owner || snapshot.state === 'failed' || snapshot.state === 'held') continue;
        if (!this.sender) return;
        const it = { ...snapshot, state: 'sending' };
        await this.put(it);
        try {
          await this.sender(it, () => this.put(it));
          await this.remove(it.seq);
          this.failures = 0;
        } catch (e) {
          it.attempts += 1;
          it.error = e.code === 'network' ? 'network' : (e.message || String(e));
          it.code = e.code ?? '';
          if (e.transient || e.status === undefined) {
            // The head of the queue waits, so items stay in order.
            const delay = Math.min(1000 * 2 ** this.failures++, MAX_DELAY) * (0.75 + Math.random() / 2);
            it.state = 'queued';
            it.next = new Date(Date.now() + delay).toISOString();
            await this.put(it);
            this.schedule(delay);
            return;
          }
          if (e.status === 401 || e.code === 'password_change_required') {
            it.state = 'queued';
            await this.put(it);
            this.onAuth?.(e);
            return;
          }
          it.state = 'failed';
          await this.put(it);
        }
      }
    } while (this.again);
  }
}
