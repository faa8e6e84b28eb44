// The archive page: pick a camera and a moment (Asia/Ho_Chi_Minh), see the
// day's timeline with its gaps and why, play from there, export the range
// as an evidence bundle, place a legal hold.
import { api, APIError } from './api.js';
import { h } from './dom.js';
import { t, formatTime } from './i18n.js';

// Gap reasons from the API, and how the console names them.
const GAP = {
  covered: 'gap.covered', syncing: 'gap.syncing', vehicle_off: 'gap.vehicleOff', camera_down: 'gap.cameraDown',
  storage_full: 'gap.storageFull', evicted: 'gap.evicted', no_recording: 'gap.noRecording',
};

const ZONE_OFFSET = 7 * 3600 * 1000; // Asia/Ho_Chi_Minh has no daylight saving
const DAY = 24 * 3600 * 1000;
const PLAY_WINDOW = 3600; // seconds played from the chosen moment

// dayStart is 00:00 in Vietnam of the day that holds ms.
const dayStart = (ms) => Math.floor((ms + ZONE_OFFSET) / DAY) * DAY - ZONE_OFFSET;
const pad = (n) => String(n).padStart(2, '0');
function localParts(ms) {
  const d = new Date(ms + ZONE_OFFSET);
  return { date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` };
}
const fromLocal = (date, time) => Date.parse(`${date}T${time.length === 5 ? time + ':00' : time}+07:00`);

export class ArchiveView {
  constructor(root, params) {
    this.root = root;
    this.vehicle = params.get('vehicle') || '';
    this.camera = params.get('camera') || '';
    this.at = Date.parse(params.get('at') || '') || Date.now() - 5 * 60 * 1000;
    this.pieces = [];
    this.vehiclesList = [];
    this.build();
    this.poll = setInterval(() => { if (!document.hidden) this.loadTimeline(); }, 10000);
  }

  build() {
    this.vehSel = h('select', { id: 'arch-vehicle', 'data-testid': 'archive-vehicle', onchange: () => { this.vehicle = this.vehSel.value; this.fillCameras(); this.go(); } });
    this.camSel = h('select', { id: 'arch-camera', 'data-testid': 'archive-camera', onchange: () => { this.camera = this.camSel.value; this.go(); } });
    const p = localParts(this.at);
    this.dateIn = h('input', { id: 'arch-date', type: 'date', value: p.date, 'data-testid': 'archive-date' });
    this.timeIn = h('input', { id: 'arch-time', type: 'time', step: 1, value: p.time, 'data-testid': 'archive-time' });
    const form = h('form', { class: 'arch-form', onsubmit: (e) => { e.preventDefault(); this.at = fromLocal(this.dateIn.value, this.timeIn.value); this.go(); } },
      h('label', { for: 'arch-vehicle' }, t('arch.vehicle')), this.vehSel,
      h('label', { for: 'arch-camera' }, t('arch.camera')), this.camSel,
      h('label', { for: 'arch-date' }, t('arch.date')), this.dateIn,
      h('label', { for: 'arch-time' }, t('arch.time')), this.timeIn,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'archive-go' }, t('arch.show')));
    this.bar = h('div', { class: 'tl-bar', tabindex: 0, role: 'slider', 'aria-label': t('arch.timeline'), 'data-testid': 'archive-timeline',
      onclick: (e) => { const r = this.bar.getBoundingClientRect(); this.seekTo(this.day + ((e.clientX - r.left) / r.width) * DAY); },
      onkeydown: (e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { e.preventDefault(); this.seekTo(this.at + (e.key === 'ArrowRight' ? 60000 : -60000)); }
      } });
    this.cursor = h('div', { class: 'tl-cursor' });
    this.legend = h('div', { class: 'tl-legend' }, ['covered', 'syncing', 'vehicle_off', 'camera_down', 'storage_full', 'evicted', 'no_recording'].map(
      (r) => h('span', {}, h('i', { class: `tl-${r}` }), t(GAP[r]))));
    this.video = h('video', { controls: true, muted: true, playsinline: true, preload: 'auto', class: 'arch-video', 'data-testid': 'archive-video',
      ontimeupdate: () => this.showClock() });
    this.clock = h('div', { class: 'arch-clock', 'aria-live': 'off', 'data-testid': 'archive-clock' }, '—');
    this.msg = h('p', { class: 'error', role: 'status', 'data-testid': 'archive-message' });
    this.exportLink = h('a', { class: 'button', download: '', 'data-testid': 'archive-export' }, t('arch.export'));
    this.holdBtn = h('button', { type: 'button', 'data-testid': 'archive-hold', onclick: () => this.hold() }, t('arch.hold'));
    this.holds = h('ul', { class: 'holds', 'data-testid': 'archive-holds' });
    this.root.replaceChildren(h('section', { class: 'archive' },
      h('h1', {}, t('arch.title')), form,
      h('div', { class: 'tl' }, h('div', { class: 'tl-scale' }, [0, 3, 6, 9, 12, 15, 18, 21, 24].map((x) => h('span', { style: `left:${(x / 24) * 100}%` }, `${pad(x)}:00`))), this.bar, this.legend),
      h('div', { class: 'arch-player' }, this.video, h('div', { class: 'arch-side' }, h('div', { class: 'muted' }, t('arch.frameTime')), this.clock,
        this.exportLink, this.holdBtn, this.msg, h('h2', {}, t('arch.holds')), this.holds))));
    this.loadVehicles();
  }

  async loadVehicles() {
    try {
      this.vehiclesList = await api.vehicles();
    } catch (e) { this.msg.textContent = t('arch.error', e.message); return; }
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

  // go shows the chosen moment: timeline of its day, and plays from it.
  go() {
    if (!this.vehicle || !this.camera) return;
    const hash = `#/archive?vehicle=${encodeURIComponent(this.vehicle)}&camera=${encodeURIComponent(this.camera)}&at=${encodeURIComponent(new Date(this.at).toISOString())}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    const p = localParts(this.at);
    this.dateIn.value = p.date;
    this.timeIn.value = p.time;
    this.day = dayStart(this.at);
    this.loadTimeline().then(() => this.play());
    this.loadHolds();
  }

  seekTo(ms) { this.at = Math.max(this.day, Math.min(ms, this.day + DAY - 1000)); this.go(); }

  async loadTimeline() {
    const from = new Date(this.day).toISOString();
    const to = new Date(this.day + DAY).toISOString();
    try {
      this.tl = await api.get(`${this.base()}/timeline?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    } catch (e) { this.msg.textContent = t('arch.error', e.message); return; }
    const seg = (cls, s, e, title) => h('div', { class: cls, title, style: `left:${((Date.parse(s) - this.day) / DAY) * 100}%;width:${Math.max(((Date.parse(e) - Date.parse(s)) / DAY) * 100, 0.05)}%` });
    this.bar.replaceChildren(
      ...this.tl.ranges.map((r) => seg('tl-covered', r.start, r.end, `${t('gap.covered')}: ${formatTime(r.start)} – ${formatTime(r.end)}`)),
      ...this.tl.gaps.map((g) => seg(`tl-${g.reason}`, g.start, g.end, `${t(GAP[g.reason] || 'gap.noRecording')}: ${formatTime(g.start)} – ${formatTime(g.end)}`)),
      this.cursor);
    this.cursor.style.left = `${((this.at - this.day) / DAY) * 100}%`;
    this.bar.setAttribute('aria-valuetext', formatTime(new Date(this.at).toISOString(), true));
  }

  // play asks the hub where the covered pieces fall in the clip (HEAD), then plays it.
  async play() {
    const covered = (this.tl?.ranges || []).find((r) => Date.parse(r.end) > this.at);
    this.msg.textContent = '';
    if (!covered) { this.video.removeAttribute('src'); this.clock.textContent = '—'; this.msg.textContent = t('arch.nothing'); return; }
    const start = Math.max(this.at, Date.parse(covered.start));
    const dur = Math.max(1, Math.min(PLAY_WINDOW, (Math.min(Date.now(), this.day + DAY) - start) / 1000));
    const q = `start=${encodeURIComponent(new Date(start).toISOString())}&duration=${dur.toFixed(0)}`;
    try {
      const resp = await fetch(`${this.base()}/play?${q}`, { method: 'HEAD', credentials: 'same-origin' });
      if (!resp.ok) throw new APIError(resp.status, 'http', resp.statusText);
      this.pieces = JSON.parse(resp.headers.get('X-Fieldwatch-Pieces') || '[]');
    } catch (e) { this.msg.textContent = t('arch.error', e.message); return; }
    this.exportLink.href = `${this.base()}/export?${q}`;
    this.range = { start, dur };
    this.video.src = `${this.base()}/play?${q}`;
    this.video.play().catch(() => {});
  }

  // showClock converts the player's position to the wall-clock time of the frame.
  showClock() {
    const m = this.video.currentTime;
    let p = null;
    for (const x of this.pieces) if (x.media <= m + 0.001) p = x;
    if (!p) return;
    const ms = Date.parse(p.start) + (m - p.media) * 1000;
    this.clock.textContent = formatTime(new Date(ms).toISOString(), true);
    this.clock.dataset.ms = String(Math.round(ms));
    this.cursor.style.left = `${((ms - this.day) / DAY) * 100}%`;
  }

  async hold() {
    if (!this.range) return;
    const reason = prompt(t('arch.holdReason'));
    if (!reason) return;
    try {
      await api.post('/api/v1/archive/holds', { vehicle: this.vehicle, camera: this.camera, start: new Date(this.range.start).toISOString(),
        end: new Date(this.range.start + this.range.dur * 1000).toISOString(), reason });
      this.msg.textContent = t('arch.held');
      this.loadHolds();
    } catch (e) { this.msg.textContent = t('arch.error', e.message); }
  }

  async loadHolds() {
    let holds = [];
    try { holds = await api.get('/api/v1/archive/holds'); } catch { return; }
    const mine = holds.filter((x) => x.vehicle === this.vehicle && x.camera === this.camera);
    this.holds.replaceChildren(...(mine.length ? mine.map((x) => h('li', {}, `${formatTime(x.start, true)} – ${formatTime(x.end)}: ${x.reason} (${x.created_by})`))
      : [h('li', { class: 'muted' }, t('arch.noHolds'))]));
  }

  update() {}

  destroy() { clearInterval(this.poll); this.video.removeAttribute('src'); this.video.load(); }
}
