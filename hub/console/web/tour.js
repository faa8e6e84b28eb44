// The camera tour of continuous surveillance (Decision 888 Art. 13.1): the
// feeds the officer is assigned now (GET /api/v1/watch/mine), one or four
// at a time, each page shown for an interval (default 20 s) before the
// next. Pause, next and previous by button or keyboard (Space or K, → or
// N, ← or P while the tour has focus); the bar says which camera and since
// when. Each visible feed is a WHEP player; players of pages left are
// stopped. The command-centre screen embeds it: new TourPlayer(app, el),
// then stop() when leaving.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { WhepPlayer } from './core/whep.js';
import { errorText, stateText } from './ui.js';

export const TOUR_DEFAULT_SECONDS = 20;
const RELOAD_MS = 60000; // assignments are read again this often
const PREFS = 'fieldwatch.tour';

const key = (c) => `${c.vehicle}/${c.camera}`;

function loadPrefs() {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS) || '{}');
    return { per: p.per === 4 ? 4 : 1, seconds: Number.isFinite(p.seconds) && p.seconds >= 5 && p.seconds <= 600 ? p.seconds : null };
  } catch {
    return { per: 1, seconds: null };
  }
}

export class TourPlayer {
  // app is the console context ({ me } or anything; unused beyond that);
  // container is the element the tour fills.
  constructor(app, container, { seconds = null, per = null } = {}) {
    this.app = app;
    this.container = container;
    const prefs = loadPrefs();
    this.per = per ?? prefs.per;
    this.seconds = seconds ?? prefs.seconds; // null: the hub's default for the tour
    this.cameras = [];
    this.index = 0; // first camera of the page shown
    this.paused = false;
    this.tiles = [];
    this.since = null;
    this.stopped = false;
    this.pos = h('span', { class: 'tour-pos', 'data-testid': 'tour-pos' });
    this.current = h('span', { class: 'tour-current', 'data-testid': 'tour-current', 'aria-live': 'polite' });
    this.pauseBtn = h('button', { type: 'button', 'data-testid': 'tour-pause', onclick: () => this.togglePause() }, t('tour.pause'));
    this.perSel = h('select', { id: 'tour-per', 'data-testid': 'tour-per', onchange: () => this.setPer(Number(this.perSel.value)) },
      h('option', { value: '1' }, t('tour.one')), h('option', { value: '4' }, t('tour.four')));
    this.perSel.value = String(this.per);
    this.secsIn = h('input', { id: 'tour-seconds', type: 'number', min: 5, max: 600, step: 5, 'data-testid': 'tour-seconds',
      onchange: () => this.setSeconds(Number(this.secsIn.value)) });
    this.grid = h('div', { class: 'tour-grid', 'data-testid': 'tour-grid' });
    this.message = h('p', { class: 'muted', 'data-testid': 'tour-message' }, t('common.loading'));
    this.el = h('section', { class: 'tour', tabindex: 0, 'aria-label': t('tour.title'), 'aria-keyshortcuts': 'Space ArrowLeft ArrowRight', 'data-testid': 'tour',
      onkeydown: (e) => this.onKey(e) },
    h('div', { class: 'tour-bar' },
      h('button', { type: 'button', 'aria-label': t('tour.prev'), title: t('tour.prev'), 'data-testid': 'tour-prev', onclick: () => this.step(-1) }, '◀'),
      this.pauseBtn,
      h('button', { type: 'button', 'aria-label': t('tour.next'), title: t('tour.next'), 'data-testid': 'tour-next', onclick: () => this.step(1) }, '▶'),
      this.pos, this.current,
      h('span', { class: 'tour-opts' },
        h('label', { for: 'tour-per' }, t('tour.per')), this.perSel,
        h('label', { for: 'tour-seconds' }, t('tour.seconds')), this.secsIn)),
    this.message, this.grid);
    container.replaceChildren(this.el);
    this.load();
    this.reloadTimer = setInterval(() => this.load(), RELOAD_MS);
  }

  get intervalMs() { return (this.seconds ?? this.hubSeconds ?? TOUR_DEFAULT_SECONDS) * 1000; }

  savePrefs() {
    try { localStorage.setItem(PREFS, JSON.stringify({ per: this.per, seconds: this.seconds })); } catch { /* private mode */ }
  }

  // load reads the assignment; the page on screen stays if its cameras do.
  async load() {
    let mine;
    try {
      mine = await api.get('/api/v1/watch/mine');
    } catch (e) {
      if (this.stopped) return;
      this.message.hidden = false;
      this.message.textContent = errorText(e);
      return;
    }
    if (this.stopped) return;
    this.hubSeconds = mine.interval_seconds || TOUR_DEFAULT_SECONDS;
    this.secsIn.value = String(this.intervalMs / 1000);
    const before = this.cameras.map(key).join(' ');
    const shown = this.cameras[this.index];
    this.cameras = mine.cameras || [];
    this.el.dataset.cameras = String(this.cameras.length);
    if (!this.cameras.length) {
      this.clearTiles();
      this.message.hidden = false;
      this.message.textContent = mine.assignments ? t('tour.noCameras') : t('tour.none');
      this.pos.textContent = '';
      this.current.textContent = '';
      this.el.dataset.current = '';
      return;
    }
    this.message.hidden = true;
    this.period = mine.from ? t('tour.period', formatTime(mine.from, true), formatTime(mine.to, true)) : '';
    if (before === this.cameras.map(key).join(' ') && this.tiles.length) return;
    const keep = shown ? this.cameras.findIndex((c) => key(c) === key(shown)) : -1;
    this.show(keep >= 0 ? keep : 0);
  }

  // show puts the page starting at camera i on screen.
  show(i) {
    const n = this.cameras.length;
    if (!n) return;
    const per = Math.min(this.per, n);
    this.index = ((i % n) + n) % n;
    const page = Array.from({ length: per }, (_, k) => this.cameras[(this.index + k) % n]);
    this.clearTiles();
    this.since = new Date();
    for (const c of page) this.tiles.push(this.tile(c));
    this.grid.className = `tour-grid per-${per}`;
    this.grid.replaceChildren(...this.tiles.map((x) => x.el));
    this.pos.textContent = `${page.map((_, k) => ((this.index + k) % n) + 1).join(', ')}/${n}`;
    const names = page.map((c) => c.name || key(c)).join(' · ');
    this.current.textContent = t('tour.showing', names, formatTime(this.since.toISOString()), page[0].group_name || '');
    this.el.dataset.current = page.map(key).join(' ');
    this.schedule();
  }

  tile(c) {
    const video = h('video', { muted: true, autoplay: true, playsinline: true, 'data-testid': `tour-video-${c.vehicle}-${c.camera}` });
    video.muted = true;
    const state = h('div', { class: 'tile-state' }, t('cam.connecting'));
    const el = h('a', { class: 'tile tour-tile', href: `#/camera/${encodeURIComponent(c.vehicle)}/${encodeURIComponent(c.camera)}`,
      'aria-label': t('cam.open', c.name || key(c)), 'data-testid': `tour-tile-${c.vehicle}-${c.camera}` },
    video, h('div', { class: 'tile-name' }, c.name || key(c)), state);
    const player = new WhepPlayer(video, c.vehicle, c.camera, {
      onState: (s, d) => { el.dataset.state = s; state.textContent = stateText(s, d); state.hidden = s === 'live'; },
    });
    player.start();
    return { el, player };
  }

  clearTiles() {
    for (const x of this.tiles) x.player.stop();
    this.tiles = [];
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.paused || this.stopped || this.cameras.length <= Math.min(this.per, this.cameras.length)) return;
    this.timer = setTimeout(() => this.step(1), this.intervalMs);
  }

  // step moves a page forward (1) or back (-1).
  step(dir) {
    if (!this.cameras.length) return;
    this.show(this.index + dir * Math.min(this.per, this.cameras.length));
  }

  togglePause() {
    this.paused = !this.paused;
    this.pauseBtn.textContent = this.paused ? t('tour.resume') : t('tour.pause');
    this.pauseBtn.setAttribute('aria-pressed', String(this.paused));
    this.el.dataset.paused = String(this.paused);
    if (this.paused) clearTimeout(this.timer);
    else this.schedule();
  }

  setPer(per) {
    this.per = per === 4 ? 4 : 1;
    this.savePrefs();
    this.show(this.index);
  }

  setSeconds(s) {
    if (!(s >= 5 && s <= 600)) { this.secsIn.value = String(this.intervalMs / 1000); return; }
    this.seconds = s;
    this.savePrefs();
    this.schedule();
  }

  onKey(e) {
    if (e.target.closest('select, input')) return;
    const k = e.key;
    if (k === 'ArrowRight' || k === 'n' || k === 'N') this.step(1);
    else if (k === 'ArrowLeft' || k === 'p' || k === 'P') this.step(-1);
    else if (k === ' ' || k === 'k' || k === 'K') { if (e.target.closest('button')) return; this.togglePause(); }
    else return;
    e.preventDefault();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.reloadTimer);
    this.clearTiles();
  }
}
