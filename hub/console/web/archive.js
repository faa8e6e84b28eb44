// The archive page: pick a camera and a moment (Asia/Ho_Chi_Minh), see the
// day's timeline with its gaps and why, play from there with the frame's
// wall-clock time, export the range as an evidence bundle, place and lift
// legal holds. The timeline is refreshed every 10 s: backfilled recordings
// show up as gaps turning green.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Timeline, DAY, HOUR, dayStart, localParts, fromLocal, piecesFrom, wallClock } from './timeline.js';

const PLAY_WINDOW = HOUR; // at most this much is played from the chosen moment
const REFRESH = 10000;

const iso = (ms) => new Date(ms).toISOString();
const stamp = (ms) => iso(ms).replace(/[-:]/g, '').slice(0, 15);

export class ArchiveView {
  constructor(root, params) {
    this.root = root;
    this.vehicle = params.get('vehicle') || '';
    this.camera = params.get('camera') || '';
    this.at = Date.parse(params.get('at') || '') || Date.now() - 5 * 60 * 1000;
    this.day = dayStart(this.at);
    this.pieces = [];
    this.range = null;
    this.vehiclesList = [];
    this.build();
    this.poll = setInterval(() => { if (!document.hidden) this.loadTimeline(); }, REFRESH);
  }

  build() {
    this.vehSel = h('select', { id: 'arch-vehicle', 'data-testid': 'archive-vehicle', onchange: () => { this.vehicle = this.vehSel.value; this.fillCameras(); this.go(); } });
    this.camSel = h('select', { id: 'arch-camera', 'data-testid': 'archive-camera', onchange: () => { this.camera = this.camSel.value; this.go(); } });
    const p = localParts(this.at);
    this.dateIn = h('input', { id: 'arch-date', type: 'date', value: p.date, required: true, 'data-testid': 'archive-date' });
    this.timeIn = h('input', { id: 'arch-time', type: 'time', step: 1, value: p.time, required: true, 'data-testid': 'archive-time' });
    const form = h('form', { class: 'arch-form', 'data-testid': 'archive-form', onsubmit: (e) => {
      e.preventDefault();
      const ms = fromLocal(this.dateIn.value, this.timeIn.value);
      if (Number.isFinite(ms)) { this.at = ms; this.go(); }
    } },
    h('label', { for: 'arch-vehicle' }, t('arch.vehicle')), this.vehSel,
    h('label', { for: 'arch-camera' }, t('arch.camera')), this.camSel,
    h('label', { for: 'arch-date' }, t('arch.date')), this.dateIn,
    h('label', { for: 'arch-time' }, t('arch.time')), this.timeIn,
    h('span', { class: 'muted small' }, t('arch.zone')),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'archive-go' }, t('arch.show')));
    this.timeline = new Timeline({ onSeek: (ms) => { this.at = ms; this.go(); } });
    this.video = h('video', { controls: true, muted: true, playsinline: true, preload: 'auto', class: 'arch-video', 'data-testid': 'archive-video',
      'aria-label': t('arch.player'), ontimeupdate: () => this.showClock(), onerror: () => { if (this.video.getAttribute('src')) this.say(t('arch.playError')); } });
    this.video.muted = true;
    this.clock = h('div', { class: 'arch-clock', 'aria-live': 'off', 'data-testid': 'archive-clock' }, '—');
    this.rangeEl = h('div', { class: 'muted small', 'data-testid': 'archive-range' });
    this.msg = h('p', { class: 'error', role: 'status', 'data-testid': 'archive-message' });
    this.exportLink = h('a', { class: 'button', download: '', 'aria-disabled': 'true', 'data-testid': 'archive-export' }, t('arch.export'));
    this.holdBtn = h('button', { type: 'button', disabled: true, 'data-testid': 'archive-hold', onclick: () => this.hold() }, t('arch.hold'));
    this.holds = h('ul', { class: 'holds', 'data-testid': 'archive-holds' });
    this.root.replaceChildren(h('section', { class: 'archive' },
      h('h1', {}, t('arch.title')), form, this.timeline.el,
      h('div', { class: 'arch-player' }, this.video, h('div', { class: 'arch-side' },
        h('div', { class: 'muted' }, t('arch.frameTime')), this.clock, this.rangeEl,
        this.exportLink, this.holdBtn, this.msg, h('h2', {}, t('arch.holds')), this.holds))));
    this.loadVehicles();
  }

  say(text) { this.msg.textContent = text; }

  async loadVehicles() {
    try {
      this.vehiclesList = await api.vehicles();
    } catch (e) { this.say(t('arch.error', e.message)); return; }
    if (!this.vehicle && this.vehiclesList.length) this.vehicle = this.vehiclesList[0].id;
    this.vehSel.replaceChildren(...this.vehiclesList.map((v) => h('option', { value: v.id, selected: v.id === this.vehicle }, `${v.name} (${v.id})`)));
    this.fillCameras();
    this.go();
  }

  fillCameras() {
    const v = this.vehiclesList.find((x) => x.id === this.vehicle);
    const cams = v ? v.cameras : [];
    if (!cams.some((c) => c.id === this.camera)) this.camera = cams[0]?.id || '';
    this.camSel.replaceChildren(...cams.map((c) => h('option', { value: c.id, selected: c.id === this.camera }, c.name)));
  }

  base() { return `/api/v1/archive/${encodeURIComponent(this.vehicle)}/${encodeURIComponent(this.camera)}`; }

  // go shows the chosen moment: the timeline of its day, and plays from it.
  go() {
    if (!this.vehicle || !this.camera) return;
    const hash = `#/archive?vehicle=${encodeURIComponent(this.vehicle)}&camera=${encodeURIComponent(this.camera)}&at=${encodeURIComponent(iso(this.at))}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    const p = localParts(this.at);
    this.dateIn.value = p.date;
    this.timeIn.value = p.time;
    this.day = dayStart(this.at);
    this.timeline.setDay(this.day);
    this.timeline.setCursor(this.at);
    const seq = this.seq = (this.seq || 0) + 1;
    this.loadTimeline().then(() => { if (seq === this.seq) this.play(); });
    this.loadHolds();
  }

  async loadTimeline() {
    if (!this.vehicle || !this.camera) return;
    const q = `from=${encodeURIComponent(iso(this.day))}&to=${encodeURIComponent(iso(this.day + DAY))}`;
    try {
      this.tl = await api.get(`${this.base()}/timeline?${q}`);
    } catch (e) { this.say(t('arch.error', e.message)); return; }
    this.timeline.setData(this.tl);
  }

  // playRange is what is played from the chosen moment: from the first
  // covered instant at or after it to the end of the covered window, at most an hour.
  playRange() {
    const ranges = this.tl?.ranges || [];
    const next = ranges.filter((r) => Date.parse(r.end) > this.at).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0];
    if (!next) return null;
    const start = Math.max(this.at, Date.parse(next.start));
    const lastEnd = Math.max(...ranges.map((r) => Date.parse(r.end)));
    const end = Math.min(start + PLAY_WINDOW, lastEnd, this.day + DAY);
    return { start, end, dur: Math.max(1, Math.ceil((end - start) / 1000)) };
  }

  // play asks the hub where the covered pieces fall in the clip (HEAD, the
  // same request without the body), or works them out from the timeline,
  // then plays the clip.
  async play() {
    this.say('');
    const r = this.playRange();
    this.range = r;
    this.exportLink.removeAttribute('href');
    this.exportLink.setAttribute('aria-disabled', 'true');
    this.holdBtn.disabled = !r;
    if (!r) {
      this.pieces = [];
      this.video.removeAttribute('src');
      this.video.load();
      this.clock.textContent = '—';
      delete this.clock.dataset.ms;
      this.rangeEl.textContent = '';
      this.say(t('arch.nothing'));
      return;
    }
    const q = `start=${encodeURIComponent(iso(r.start))}&duration=${r.dur}`;
    const url = `${this.base()}/play?${q}`;
    this.pieces = piecesFrom(this.tl.ranges, r.start, r.start + r.dur * 1000);
    try {
      const resp = await fetch(url, { method: 'HEAD', credentials: 'same-origin' });
      if (resp.status === 401 || resp.status === 403 || resp.status === 404) throw new APIError(resp.status, 'http', resp.statusText);
      const hdr = resp.ok && resp.headers.get('X-Fieldwatch-Pieces');
      if (hdr) this.pieces = JSON.parse(hdr);
    } catch (e) {
      if (e instanceof APIError) { this.say(t('arch.error', e.message)); return; }
    }
    this.rangeEl.textContent = t('arch.range', formatTime(iso(r.start), true), formatTime(iso(r.start + r.dur * 1000)));
    this.exportLink.href = `${this.base()}/export?${q}`;
    this.exportLink.setAttribute('download', `fieldwatch-${this.vehicle}-${this.camera}-${stamp(r.start)}.zip`);
    this.exportLink.removeAttribute('aria-disabled');
    this.video.src = url;
    this.video.play().catch(() => {});
  }

  // showClock converts the player's position to the wall-clock time of the frame.
  showClock() {
    const ms = wallClock(this.pieces, this.video.currentTime);
    if (ms === null) return;
    this.clock.textContent = formatTime(iso(ms), true);
    this.clock.dataset.ms = String(Math.round(ms));
    this.timeline.follow(ms);
  }

  async hold() {
    const r = this.range;
    if (!r) return;
    const reason = prompt(t('arch.holdReason'));
    if (!reason || !reason.trim()) return;
    try {
      await api.post('/api/v1/archive/holds', { vehicle: this.vehicle, camera: this.camera, start: iso(r.start), end: iso(r.start + r.dur * 1000), reason: reason.trim() });
      this.say(t('arch.held'));
      this.loadHolds();
    } catch (e) { this.say(t('arch.error', e.message)); }
  }

  async unhold(x) {
    if (!confirm(t('arch.unholdConfirm', x.reason))) return;
    try {
      await api.del(`/api/v1/archive/holds/${encodeURIComponent(x.id)}`);
      this.say(t('arch.unheld'));
      this.loadHolds();
    } catch (e) { this.say(t('arch.error', e.message)); }
  }

  async loadHolds() {
    let holds = [];
    try { holds = await api.get('/api/v1/archive/holds'); } catch { return; }
    const mine = holds.filter((x) => x.vehicle === this.vehicle && x.camera === this.camera)
      .sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
    this.holds.replaceChildren(...(mine.length ? mine.map((x) => h('li', { 'data-testid': `hold-${x.id}` },
      h('a', { href: `#/archive?vehicle=${encodeURIComponent(x.vehicle)}&camera=${encodeURIComponent(x.camera)}&at=${encodeURIComponent(x.start)}` },
        `${formatTime(x.start, true)} – ${formatTime(x.end)}`),
      `: ${x.reason} `, h('span', { class: 'muted small' }, t('arch.holdBy', x.created_by, formatTime(x.created_at, true))), ' ',
      h('button', { type: 'button', class: 'ghost small', 'aria-label': t('arch.unholdLabel', x.reason), 'data-testid': `hold-remove-${x.id}`, onclick: () => this.unhold(x) }, t('arch.unhold'))))
      : [h('li', { class: 'muted' }, t('arch.noHolds'))]));
  }

  update() {}

  destroy() {
    clearInterval(this.poll);
    this.timeline.destroy();
    this.video.removeAttribute('src');
    this.video.load();
  }
}
