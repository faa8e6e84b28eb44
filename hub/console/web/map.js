// Vehicles on a map drawn from their GPS alone: an SVG with a lat/lon grid,
// fitted to where the vehicles are, with each vehicle's recent trail. No
// tile server: the hub may have no Internet.
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const trails = new Map(); // vehicle id -> [[lat, lon]], shared by every map view
const TRAIL = 120;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

const latLabel = (v) => `${Math.abs(v).toFixed(3)}°${v < 0 ? 'S' : 'N'}`;
const lonLabel = (v) => `${Math.abs(v).toFixed(3)}°${v < 0 ? 'W' : 'E'}`;

// niceStep picks a grid spacing in degrees for a span.
function niceStep(span) {
  for (const st of [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]) if (span / st <= 8) return st;
  return 10;
}

export class MapView {
  // pin, when given ({lat, lon}), is a place to show with the vehicles:
  // where a report was made.
  // track, when given ([[lat, lon]]), is a mission's GPS track to draw.
  constructor({ compact = false, pin = null, track = null } = {}) {
    this.compact = compact;
    this.pin = pin;
    this.track = track;
    // places ([{lat, lon, label}]) are mission sites and waypoints to mark.
    this.places = [];
    this.w = compact ? 360 : 960;
    this.hgt = compact ? 300 : 600;
    this.svg = s('svg', { viewBox: `0 0 ${this.w} ${this.hgt}`, class: 'map', role: 'img', 'aria-label': t('map.title'), 'data-testid': 'map' });
    this.note = h('p', { class: 'muted small' });
    this.el = h('figure', { class: compact ? 'map-box compact' : 'map-box' }, h('figcaption', {}, t('map.title')), this.svg, this.note);
  }

  update(vehicles) {
    // The full map draws at the size it is shown, in CSS pixels.
    const box = this.svg.getBoundingClientRect();
    if (!this.compact && box.width > 0 && box.height > 0) {
      [this.w, this.hgt] = [Math.round(box.width), Math.round(box.height)];
      this.svg.setAttribute('viewBox', `0 0 ${this.w} ${this.hgt}`);
    }
    const fixed = vehicles.filter((v) => v.telemetry?.gps);
    for (const v of fixed) {
      const tr = trails.get(v.id) ?? [];
      const g = v.telemetry.gps;
      const last = tr[tr.length - 1];
      if (!last || last[0] !== g.lat || last[1] !== g.lon) tr.push([g.lat, g.lon]);
      if (tr.length > TRAIL) tr.shift();
      trails.set(v.id, tr);
    }
    this.svg.replaceChildren();
    if (!fixed.length && !this.pin && !this.track?.length && !this.places.length) { this.note.textContent = t('map.noFix'); return; }
    this.note.textContent = `${t('map.updated')}: ${formatTime(new Date().toISOString())}`;
    const pts = fixed.flatMap((v) => trails.get(v.id));
    if (this.pin) pts.push([this.pin.lat, this.pin.lon]);
    if (this.track) pts.push(...this.track);
    for (const p of this.places) pts.push([p.lat, p.lon]);
    let [minLat, maxLat, minLon, maxLon] = [90, -90, 180, -180];
    for (const [la, lo] of pts) { minLat = Math.min(minLat, la); maxLat = Math.max(maxLat, la); minLon = Math.min(minLon, lo); maxLon = Math.max(maxLon, lo); }
    // Equirectangular, equal scale in metres on both axes, fitted to the
    // positions with a margin (wider on the right for the names).
    const pad = { l: 24, r: 110, t: 24, b: 30 };
    const innerW = this.w - pad.l - pad.r, innerH = this.hgt - pad.t - pad.b;
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const cLat = (minLat + maxLat) / 2, cLon = (minLon + maxLon) / 2;
    const sc = Math.min(innerW / (Math.max(maxLon - minLon, 0.005) * k), innerH / Math.max(maxLat - minLat, 0.005));
    const x = (lon) => pad.l + innerW / 2 + (lon - cLon) * k * sc;
    const y = (lat) => pad.t + innerH / 2 - (lat - cLat) * sc;
    const west = cLon - (pad.l + innerW / 2) / (k * sc), east = cLon + (pad.r + innerW / 2) / (k * sc);
    const south = cLat - (pad.b + innerH / 2) / sc, north = cLat + (pad.t + innerH / 2) / sc;

    const grid = s('g', { class: 'grid' });
    const step = niceStep(Math.max(north - south, east - west));
    for (let lat = Math.ceil(south / step) * step; lat < north; lat += step) {
      grid.append(s('line', { x1: 0, x2: this.w, y1: y(lat), y2: y(lat) }));
      if (y(lat) < this.hgt - 22) grid.append(s('text', { x: 4, y: y(lat) - 3 }, latLabel(lat)));
    }
    for (let lon = Math.ceil(west / step) * step; lon < east; lon += step) {
      grid.append(s('line', { y1: 0, y2: this.hgt, x1: x(lon), x2: x(lon) }), s('text', { x: x(lon) + 3, y: this.hgt - 4 }, lonLabel(lon)));
    }
    this.svg.append(grid);
    if (this.track?.length > 1) {
      this.svg.append(s('polyline', { class: 'mission-track', 'data-testid': 'map-track', 'data-points': String(this.track.length),
        points: this.track.map(([la, lo]) => `${x(lo).toFixed(1)},${y(la).toFixed(1)}`).join(' ') }));
    }
    for (const v of fixed) {
      const tr = trails.get(v.id);
      const cls = v.online ? 'on' : 'off';
      if (tr.length > 1) this.svg.append(s('polyline', { class: `trail ${cls}`, points: tr.map(([la, lo]) => `${x(lo).toFixed(1)},${y(la).toFixed(1)}`).join(' ') }));
      const g = v.telemetry.gps;
      const title = s('title');
      title.textContent = `${v.name}: ${g.speed_kmh.toFixed(0)} ${t('unit.kmh')}, ${g.heading.toFixed(0)}°, ${formatTime(g.time)} · ${v.online ? t('v.online') : t('v.offline')}`;
      const px = x(g.lon), py = y(g.lat);
      this.svg.append(s('g', { class: `marker ${cls}`, transform: `translate(${px.toFixed(1)},${py.toFixed(1)})`, 'data-testid': `marker-${v.id}`, 'data-online': String(v.online) },
        title,
        s('path', { d: 'M0,-11 L6,6 L0,2 L-6,6 Z', transform: `rotate(${g.heading.toFixed(0)})` }),
        s('text', { x: 10, y: 4 }, v.name)));
    }
    for (const p of this.places) {
      const title = s('title');
      title.textContent = p.label;
      this.svg.append(s('g', { class: 'place', transform: `translate(${x(p.lon).toFixed(1)},${y(p.lat).toFixed(1)})`, 'data-testid': 'map-place' },
        title, s('path', { d: 'M0,-7 L7,0 L0,7 L-7,0 Z' }), s('text', { x: 10, y: 4 }, p.label)));
    }
    if (this.pin) {
      const title = s('title');
      title.textContent = `${t('map.pin')}: ${this.pin.lat.toFixed(5)}, ${this.pin.lon.toFixed(5)}`;
      this.svg.append(s('g', { class: 'pin', transform: `translate(${x(this.pin.lon).toFixed(1)},${y(this.pin.lat).toFixed(1)})`, 'data-testid': 'map-pin' },
        title, s('circle', { r: 9 }), s('circle', { r: 3, class: 'dot' }), s('text', { x: 12, y: -8 }, t('map.pin'))));
    }
  }
}
