// The archive's timeline bar: a day (or one hour around the cursor) of one
// camera, covered ranges in green and gaps coloured by why. Click seeks;
// the keyboard moves the cursor (arrows 1 min, Page Up/Down 10 min,
// Home/End) and seeks when the keys rest or on Enter. Times are Vietnam's.
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';

// Gap reasons from the API, and how the console names them.
export const GAP = {
  covered: 'gap.covered', syncing: 'gap.syncing', vehicle_off: 'gap.vehicleOff', camera_down: 'gap.cameraDown',
  storage_full: 'gap.storageFull', evicted: 'gap.evicted', no_recording: 'gap.noRecording',
};

export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const ZONE_OFFSET = 7 * HOUR; // Asia/Ho_Chi_Minh, no daylight saving
const SETTLE = 700; // ms after the last key before the player seeks

export const pad = (n) => String(n).padStart(2, '0');
// dayStart is 00:00 in Vietnam of the day that holds ms.
export const dayStart = (ms) => Math.floor((ms + ZONE_OFFSET) / DAY) * DAY - ZONE_OFFSET;
// localParts gives the date and time inputs' values (Vietnam) for ms.
export function localParts(ms) {
  const d = new Date(ms + ZONE_OFFSET);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}
// fromLocal reads the date and time inputs (Vietnam) back; NaN if incomplete.
export const fromLocal = (date, time) => Date.parse(`${date}T${time.length === 5 ? time + ':00' : time}+07:00`);

// piecesFrom places the covered ranges clipped to [start, end) on the media
// timeline of a clip with the gaps squeezed out: what X-Fieldwatch-Pieces
// says, up to the keyframe the hub starts on.
export function piecesFrom(ranges, start, end) {
  const out = [];
  let media = 0;
  for (const r of [...ranges].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const s = Math.max(start, Date.parse(r.start));
    const e = Math.min(end, Date.parse(r.end));
    if (!(e > s)) continue;
    out.push({ media, start: new Date(s).toISOString(), end: new Date(e).toISOString() });
    media += (e - s) / 1000;
  }
  return out;
}

// wallClock converts a media position (s) to wall-clock ms with the pieces; null before the first.
export function wallClock(pieces, media) {
  let p = null;
  for (const x of pieces) if (x.media <= media + 0.001) p = x;
  return p ? Date.parse(p.start) + (media - p.media) * 1000 : null;
}

export class Timeline {
  // onSeek(ms) is called when the user picks a moment.
  constructor({ onSeek }) {
    this.onSeek = onSeek;
    this.day = dayStart(Date.now());
    this.cursorAt = Date.now();
    this.data = { ranges: [], gaps: [] };
    this.zoomed = false;
    this.center = this.cursorAt;
    this.scale = h('div', { class: 'tl-scale', 'aria-hidden': 'true' });
    this.cursor = h('div', { class: 'tl-cursor' });
    this.bar = h('div', {
      class: 'tl-bar', tabindex: 0, role: 'slider', 'aria-label': t('arch.timeline'), 'aria-describedby': 'tl-help',
      'aria-valuemin': 0, 'aria-valuemax': 24 * 60 - 1, 'data-testid': 'archive-timeline',
      onclick: (e) => this.click(e), onkeydown: (e) => this.key(e),
    });
    this.zoomBtn = h('button', { type: 'button', class: 'ghost', 'aria-pressed': 'false', 'data-testid': 'archive-zoom', onclick: () => this.toggleZoom() }, t('arch.zoomIn'));
    const legend = h('div', { class: 'tl-legend', 'data-testid': 'archive-legend' },
      Object.entries(GAP).map(([r, k]) => h('span', {}, h('i', { class: `tl-${r}` }), t(k))));
    this.el = h('div', { class: 'tl' },
      h('div', { class: 'tl-head' }, h('span', { class: 'muted' }, t('arch.timeline')), this.zoomBtn),
      this.scale, this.bar, legend, h('p', { id: 'tl-help', class: 'muted small' }, t('arch.keysHelp')));
  }

  // window is the shown range: the day, or one hour around the centre.
  window() {
    if (!this.zoomed) return { from: this.day, to: this.day + DAY };
    const from = Math.max(this.day, Math.min(this.center - HOUR / 2, this.day + DAY - HOUR));
    return { from, to: from + HOUR };
  }

  setDay(day) { this.day = day; }

  setData(tl) {
    this.data = { ranges: tl?.ranges || [], gaps: tl?.gaps || [] };
    this.render();
  }

  // setCursor moves the cursor (the chosen moment or the frame playing).
  setCursor(ms) {
    this.cursorAt = ms;
    const w = this.window();
    if (this.zoomed && (ms < w.from || ms >= w.to)) { this.center = ms; this.render(); return; }
    this.placeCursor();
  }

  // follow moves the cursor with the frame playing, unless the user is moving it.
  follow(ms) { if (!this.editing) this.setCursor(ms); }

  seek(ms) {
    clearTimeout(this.settle);
    this.editing = false;
    this.onSeek(ms);
  }

  toggleZoom() {
    this.zoomed = !this.zoomed;
    this.center = this.cursorAt;
    this.zoomBtn.textContent = this.zoomed ? t('arch.zoomOut') : t('arch.zoomIn');
    this.zoomBtn.setAttribute('aria-pressed', String(this.zoomed));
    this.render();
  }

  pct(ms) { const w = this.window(); return ((ms - w.from) / (w.to - w.from)) * 100; }

  render() {
    const w = this.window();
    const seg = (reason, s, e) => {
      const a = Math.max(Date.parse(s), w.from);
      const b = Math.min(Date.parse(e), w.to);
      if (!(b > a)) return null;
      return h('div', { class: `tl-${reason}`, title: `${t(GAP[reason] || 'gap.noRecording')}: ${formatTime(s)} – ${formatTime(e)}`,
        style: `left:${this.pct(a)}%;width:${Math.max(this.pct(b) - this.pct(a), 0.05)}%` });
    };
    this.bar.replaceChildren(
      ...this.data.ranges.map((r) => seg('covered', r.start, r.end)).filter(Boolean),
      ...this.data.gaps.map((g) => seg(GAP[g.reason] ? g.reason : 'no_recording', g.start, g.end)).filter(Boolean),
      this.cursor);
    const step = this.zoomed ? 10 * MINUTE : 3 * HOUR;
    const ticks = [];
    for (let ms = Math.ceil((w.from - this.day) / step) * step + this.day; ms <= w.to; ms += step) {
      const p = localParts(ms);
      ticks.push(h('span', { style: `left:${this.pct(ms)}%` }, ms === this.day + DAY ? '24:00' : p.time.slice(0, 5)));
    }
    this.scale.replaceChildren(...ticks);
    this.placeCursor();
  }

  placeCursor() {
    this.cursor.style.left = `${Math.min(Math.max(this.pct(this.cursorAt), 0), 100)}%`;
    const min = Math.floor((this.cursorAt - this.day) / MINUTE);
    this.bar.setAttribute('aria-valuenow', String(Math.min(Math.max(min, 0), 24 * 60 - 1)));
    this.bar.setAttribute('aria-valuetext', formatTime(new Date(this.cursorAt).toISOString(), true));
  }

  clamp(ms) { return Math.max(this.day, Math.min(ms, this.day + DAY - 1000)); }

  click(e) {
    const r = this.bar.getBoundingClientRect();
    const w = this.window();
    this.seek(this.clamp(w.from + ((e.clientX - r.left) / r.width) * (w.to - w.from)));
  }

  key(e) {
    const moves = { ArrowRight: MINUTE, ArrowLeft: -MINUTE, ArrowUp: MINUTE, ArrowDown: -MINUTE, PageUp: 10 * MINUTE, PageDown: -10 * MINUTE };
    let to = null;
    if (e.key in moves) to = this.cursorAt + moves[e.key] * (e.shiftKey ? 10 : 1);
    else if (e.key === 'Home') to = this.day;
    else if (e.key === 'End') to = this.day + DAY - 1000;
    else if (e.key === 'Enter') { e.preventDefault(); this.seek(this.cursorAt); return; }
    else if (e.key === 'z' || e.key === 'Z') { e.preventDefault(); this.toggleZoom(); return; }
    if (to === null) return;
    e.preventDefault();
    this.editing = true;
    this.setCursor(this.clamp(to));
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.seek(this.cursorAt), SETTLE);
  }

  destroy() { clearTimeout(this.settle); }
}
