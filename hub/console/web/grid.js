// The vehicles grid: one card per vehicle with its state, telemetry and
// live camera tiles. Tiles keep their players across refreshes.
import { api } from './api.js';
import { h, fmtBytes, num } from './dom.js';
import { t, formatTime } from './i18n.js';
import { WhepPlayer } from './whep.js';
import { MapView } from './map.js';

export class GridView {
  constructor(root, { demo, onOpen }) {
    this.root = root;
    this.demo = demo;
    this.onOpen = onOpen;
    this.cards = new Map(); // vehicle id -> {el, tiles: Map(camera id -> tile)}
    this.list = h('section', { class: 'cards', 'data-testid': 'vehicles' });
    this.map = new MapView({ compact: true });
    root.replaceChildren(h('div', { class: 'grid-layout' }, this.list, h('aside', { class: 'side' }, this.map.el)));
  }

  update(vehicles) {
    if (!vehicles.length) this.list.replaceChildren(h('p', { class: 'empty' }, t('v.none')));
    const seen = new Set();
    for (const v of vehicles) {
      seen.add(v.id);
      let card = this.cards.get(v.id);
      if (!card) {
        card = this.makeCard(v);
        this.cards.set(v.id, card);
        this.list.append(card.el);
      }
      this.fillCard(card, v);
    }
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) { card.el.remove(); for (const tile of card.tiles.values()) tile.player.stop(); this.cards.delete(id); }
    }
    this.map.update(vehicles);
  }

  makeCard(v) {
    const el = h('article', { class: 'card', 'data-testid': `vehicle-${v.id}`, 'data-vehicle': v.id });
    const card = { el, tiles: new Map(), head: h('header', { class: 'card-head' }), tel: h('dl', { class: 'tel' }), cams: h('div', { class: 'tiles' }), actions: h('div', { class: 'actions' }) };
    el.append(card.head, card.cams, card.tel, card.actions);
    return card;
  }

  fillCard(card, v) {
    card.el.dataset.online = String(v.online);
    const badge = h('span', { class: `badge ${v.online ? 'on' : 'off'}`, 'data-testid': `badge-${v.id}` }, v.online ? '● ' + t('v.online') : '○ ' + t('v.offline'));
    const seen = v.last_seen ? `${t('v.lastSeen')}: ${formatTime(v.last_seen, true)}` : t('v.never');
    card.head.replaceChildren(h('div', {}, h('h2', {}, v.name), h('div', { class: 'muted' }, `${v.id} · ${v.unit}`)), h('div', { class: 'head-right' }, badge, h('div', { class: 'muted small' }, seen)));

    const tel = v.telemetry;
    const row = (k, val) => [h('dt', {}, t(k)), h('dd', {}, val)];
    card.tel.replaceChildren(
      ...row('v.speed', tel?.gps ? `${num(tel.gps.speed_kmh)} ${t('unit.kmh')}` : '—'),
      ...row('v.link', tel ? `${tel.link.state === 'up' ? '▲' : '▼'} ${num(tel.link.uplink_kbps)} kbit/s · ${num(tel.link.rtt_ms, 1)} ${t('unit.ms')}` : '—'),
      ...row('v.cpu', tel ? `${num(tel.cpu_percent)}%` : '—'),
      ...row('v.disk', tel ? fmtBytes(tel.disk.free_bytes) : '—'),
    );

    for (const c of v.cameras) {
      let tile = card.tiles.get(c.id);
      if (!tile) {
        tile = this.makeTile(v, c);
        card.tiles.set(c.id, tile);
        card.cams.append(tile.el);
      }
      tile.el.dataset.live = String(c.live);
      // A stream that came back: kick a waiting player instead of letting it sleep out its backoff.
      if (c.live && tile.state !== 'live' && tile.state !== 'connecting') { tile.player.stop(); tile.player.start(); }
      // The hub still holds the viewer's session while the vehicle is away: say so over the frozen picture.
      const atVehicle = tel?.cameras?.find((x) => x.id === c.id);
      const camDown = atVehicle && atVehicle.state !== 'online';
      tile.show(c.live ? tile.state : !v.online ? 'offline' : camDown ? 'camDown' : 'noSignal');
    }

    if (this.demo && v.sim) {
      const up = v.sim.link_up;
      const btn = h('button', { type: 'button', class: up ? 'danger' : 'primary', 'data-testid': `link-${v.id}`,
        onclick: async () => { btn.disabled = true; try { await api.simLink(v.id, !up); } finally { btn.disabled = false; } } },
      up ? t('v.cut') : t('v.restore'));
      card.actions.replaceChildren(h('span', { class: 'muted small' }, t('v.simLink') + ':'), btn);
    }
  }

  makeTile(v, c) {
    const video = h('video', { muted: true, autoplay: true, playsinline: true, 'data-testid': `video-${v.id}-${c.id}` });
    video.muted = true;
    const label = h('div', { class: 'tile-state' }, t('cam.connecting'));
    const el = h('button', { type: 'button', class: 'tile', 'aria-label': t('cam.open', c.name), 'data-testid': `tile-${v.id}-${c.id}`,
      onclick: () => this.onOpen(v.id, c.id) }, video, h('div', { class: 'tile-name' }, c.name), label);
    const tile = { el, state: 'connecting' };
    tile.show = (s, detail) => {
      el.dataset.state = s;
      label.textContent = { connecting: t('cam.connecting'), live: t('cam.live'), noSignal: t('cam.noSignal'), offline: t('cam.offline'), camDown: t('cam.down'), forbidden: t('cam.forbidden') }[s] ?? t('cam.error', detail ?? '');
    };
    tile.player = new WhepPlayer(video, v.id, c.id, {
      onState: (s, detail) => { tile.state = s; tile.show(s, detail); },
    });
    tile.player.start();
    return tile;
  }

  destroy() {
    for (const card of this.cards.values()) for (const tile of card.tiles.values()) tile.player.stop();
    this.cards.clear();
  }
}
