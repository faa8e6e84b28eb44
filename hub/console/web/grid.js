// The vehicles grid: one card per vehicle with its state, telemetry and
// live camera tiles. Tiles keep their players across refreshes.
import { api } from './api.js';
import { h, fmtBytes, num } from './core/dom.js';
import { t, formatTime, formatHM } from './i18n.js';
import { WhepPlayer } from './core/whep.js';
import { stateText } from './ui.js';
import { MapView } from './map.js';

export class GridView {
  constructor(root, { demo, onOpen, onChanged }) {
    this.root = root;
    this.demo = demo;
    this.onOpen = onOpen;
    this.onChanged = onChanged; // asks for a refresh after an action
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
    const gps = tel?.gps;
    const row = (k, val) => [h('dt', {}, t(k)), h('dd', {}, val)];
    card.tel.replaceChildren(
      ...row('v.gps', gps ? `${gps.lat.toFixed(5)}, ${gps.lon.toFixed(5)}${gps.accuracy_m ? ` ±${num(gps.accuracy_m)} ${t('unit.m')}` : ''}` : t('v.noFix')),
      ...row('v.speed', gps ? `${num(gps.speed_kmh)} ${t('unit.kmh')} · ${num(gps.heading)}°` : '—'),
      ...row('v.link', tel ? `${tel.link.state === 'up' ? '▲' : '▼'} ${num(tel.link.uplink_kbps)} ${t('unit.kbps')} · ${num(tel.link.rtt_ms, 1)} ${t('unit.ms')}` : '—'),
      ...row('v.cpu', tel ? `${num(tel.cpu_percent)}%` : '—'),
      ...row('v.disk', tel ? fmtBytes(tel.disk.free_bytes) : '—'),
    );
    // What the hub does not have yet, and the recorder's storage alarm.
    const sy = tel?.sync;
    if (sy && (sy.backlog_segments > 0 || sy.lost > 0)) {
      card.tel.append(h('dt', { title: t('v.syncTitle') }, '⟳'), h('dd', { class: 'warn', 'data-testid': `sync-backlog-${v.id}`, title: sy.last_error || null },
        t('v.backlog', sy.backlog_segments, fmtBytes(sy.backlog_bytes), formatHM(sy.oldest_unsynced))));
    }
    const st = tel?.storage;
    if (st?.alarm) {
      const level = st.alarm === 'full' ? t('v.alarmFull') : st.alarm === 'low' ? t('v.alarmLow') : st.alarm;
      const use = st.budget_bytes ? ` (${fmtBytes(st.used_bytes)} / ${fmtBytes(st.budget_bytes)})` : '';
      card.tel.append(h('dt', { title: t('v.storageTitle') }, '⚠'), h('dd', { class: st.alarm === 'full' ? 'bad' : 'warn', 'data-testid': `storage-alarm-${v.id}`, 'data-alarm': st.alarm, title: st.message || null },
        t('v.storage', level + use)));
    }

    for (const c of v.cameras) {
      let tile = card.tiles.get(c.id);
      if (!tile) {
        tile = this.makeTile(v, c);
        card.tiles.set(c.id, tile);
        card.cams.append(tile.el);
      }
      tile.el.dataset.live = String(c.live);
      // A stream that came back: kick a waiting player instead of letting it sleep out its backoff.
      if (c.live && !['live', 'connecting', 'forbidden', 'unauthorized'].includes(tile.state)) { tile.player.stop(); tile.player.start(); }
      // The hub keeps the viewer's session while the vehicle is away, so the
      // picture just freezes: say why over it, from the hub's view and from
      // the frames this browser presents.
      const stalled = tile.state === 'live' && tile.player.frozen();
      const atVehicle = tel?.cameras?.find((x) => x.id === c.id);
      const camDown = atVehicle && atVehicle.state !== 'online';
      tile.show(c.live && !stalled ? tile.state : !v.online ? 'offline' : camDown ? 'camDown' : 'noSignal', tile.detail);
    }

    if (this.demo && v.sim) {
      card.linkUp = v.sim.link_up;
      card.linkBtn ??= this.makeLinkButton(card, v.id);
      card.linkBtn.className = card.linkUp ? 'danger' : 'primary';
      card.linkBtn.textContent = card.linkUp ? t('v.cut') : t('v.restore');
    }
  }

  // makeLinkButton builds the demo's cut/restore button once, so that it
  // keeps the keyboard focus across refreshes.
  makeLinkButton(card, id) {
    const err = h('span', { class: 'error small', role: 'alert' });
    const btn = h('button', { type: 'button', 'data-testid': `link-${id}`,
      onclick: async () => {
        btn.disabled = true;
        err.textContent = '';
        try {
          await api.simLink(id, !card.linkUp);
          card.linkUp = !card.linkUp;
          this.onChanged?.();
        } catch (e) {
          err.textContent = t('v.simFailed', e.message);
        } finally {
          btn.disabled = false;
        }
      } });
    card.actions.replaceChildren(err, h('span', { class: 'muted small' }, t('v.simLink') + ':'), btn);
    return btn;
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
      label.textContent = stateText(s, detail);
    };
    tile.player = new WhepPlayer(video, v.id, c.id, {
      onState: (s, detail) => { tile.state = s; tile.detail = detail; tile.show(s, detail); },
    });
    tile.player.start();
    return tile;
  }

  destroy() {
    for (const card of this.cards.values()) for (const tile of card.tiles.values()) tile.player.stop();
    this.cards.clear();
  }
}
