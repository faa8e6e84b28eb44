// The crew's vehicles seen from the hub: online state, speed, the storage
// alarm (first thing on the card: a full disk loses video the hub does
// not have yet), the sync backlog, and each camera live full screen.
import { h, keyed } from './core/dom.js';
import { t } from './i18n.js';
import { session } from './api.js';
import { WhepPlayer, stateKey } from './core/whep.js';

// storageAlarm warns when the recording disk fills with video the hub
// does not have yet; in the banner (every section) it names the vehicle.
export function storageAlarm(v, banner = false) {
  const st = v.telemetry?.storage;
  if (!st?.alarm) return null;
  const text = st.alarm === 'full' ? (st.recording ? t('v.fullOverwrite') : t('v.full')) : t('v.low');
  return h('div', { class: 'alarm', role: 'alert', 'data-testid': `${banner ? 'banner' : 'storage'}-alarm-${v.id}`, dataset: { alarm: st.alarm } },
    banner ? `⚠ ${v.name || v.id}: ${text}` : `⚠ ${text}`);
}

function watch(v, c) {
  const video = h('video', { autoplay: true, playsinline: true, muted: true, controls: true, 'data-testid': 'live-video' });
  const state = h('span', { 'data-testid': 'live-state' }, t('cam.connecting'));
  const player = new WhepPlayer(video, v.id, c.id, {
    onState: (s, detail) => {
      state.dataset.state = s;
      state.textContent = t(stateKey(s), detail ?? '');
    },
    // The crew member's bearer token, read at each request (a new login).
    headers: () => (session?.token ? { Authorization: `Bearer ${session.token}` } : {}),
  });
  const close = () => { player.stop(); overlay.remove(); removeEventListener('keydown', onKey); };
  const onKey = (ev) => { if (ev.key === 'Escape') close(); };
  const overlay = h('div', { class: 'player', role: 'dialog', 'aria-label': `${v.name} – ${c.name}`, 'data-testid': 'live-player' },
    h('div', { class: 'bar' }, h('strong', {}, `${v.name} – ${c.name}`), state,
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'live-close', onclick: close }, t('v.close'))),
    video);
  addEventListener('keydown', onKey);
  document.body.append(overlay);
  player.start();
}

export class VehiclesView {
  constructor(app) {
    this.app = app;
    this.entries = new Map();
    this.speeds = new Map(); // vehicle id -> its speed line, updated in place
    this.empty = h('p', { class: 'muted' }, t('v.none'));
    this.list = h('div', { class: 'list grid' });
    this.el = h('section', { 'data-testid': 'vehicles' }, h('h2', {}, t('nav.vehicles')), this.empty, this.list);
  }

  update() {
    const vs = this.app.data.vehicles ?? [];
    this.empty.hidden = vs.length > 0;
    // The speed changes at every refresh: it is written in place, so a
    // card (and its buttons) is rebuilt only when something else changes.
    const shown = (v) => JSON.stringify([v.name, v.online, v.telemetry?.storage?.alarm ?? '', v.telemetry?.storage?.recording ?? false,
      v.telemetry?.sync?.backlog_segments ?? 0, (v.cameras ?? []).map((c) => [c.id, c.name, !!c.live])]);
    keyed(this.list, this.entries, vs, (v) => v.id, shown, (v) => this.card(v));
    for (const v of vs) {
      const el = this.speeds.get(v.id);
      const kmh = v.telemetry?.gps?.speed_kmh;
      if (el) el.textContent = kmh === undefined ? '' : t('v.speed', Number(kmh).toFixed(0));
    }
  }

  card(v) {
    const speed = h('p', { 'data-testid': `speed-${v.id}` });
    this.speeds.set(v.id, speed);
    return h('article', { class: 'vehicle card', 'data-testid': `vehicle-${v.id}`, dataset: { online: String(!!v.online) } },
      h('h3', {}, v.name || v.id),
      storageAlarm(v),
      h('p', { class: `state ${v.online ? 'on' : 'off'}` }, v.online ? t('v.online') : t('v.offline')),
      speed,
      v.telemetry?.sync?.backlog_segments > 0 ? h('p', { class: 'note' }, t('v.backlog', v.telemetry.sync.backlog_segments)) : null,
      h('div', { class: 'cams' }, (v.cameras ?? []).map((c) => h('button', {
        type: 'button', class: c.live ? 'primary' : 'secondary', 'data-testid': `watch-${v.id}-${c.id}`, dataset: { live: String(!!c.live) },
        onclick: () => watch(v, c),
      }, t('v.watch', c.name || c.id)))));
  }
}
