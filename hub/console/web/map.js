// Vehicles on a map drawn from their GPS alone: an SVG with a lat/lon grid,
// fitted to where the vehicles are, with each vehicle's recent trail. No
// tile server: the hub may have no Internet.
import { h } from './dom.js';
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

// niceStep picks a grid spacing in degrees for a span.
function niceStep(span) {
  for (const st of [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]) if (span / st <= 8) return st;
  return 10;
}

export class MapView {
  constructor({ compact = false } = {}) {
    this.w = compact ? 360 : 960;
    this.hgt = compact ? 300 : 600;
    this.svg = s('svg', { viewBox: `0 0 ${this.w} ${this.hgt}`, class: 'map', role: 'img', 'aria-label': t('map.title'), 'data-testid': 'map' });
    this.note = h('p', { class: 'muted small' });
    this.el = h('figure', { class: compact ? 'map-box compact' : 'map-box' }, h('figcaption', {}, t('map.title')), this.svg, this.note);
  }

  update(vehicles) {
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
    if (!fixed.length) { this.note.textContent = t('map.noFix'); return; }
    this.note.textContent = `${t('map.updated')}: ${formatTime(new Date().toISOString())}`;
    const pts = fixed.flatMap((v) => trails.get(v.id));
    let [minLat, maxLat, minLon, maxLon] = [90, -90, 180, -180];
    for (const [la, lo] of pts) { minLat = Math.min(minLat, la); maxLat = Math.max(maxLat, la); minLon = Math.min(minLon, lo); maxLon = Math.max(maxLon, lo); }
    // Margin, a minimum extent, and equal scale in metres on both axes.
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    let spanLat = Math.max(maxLat - minLat, 0.01) * 1.3;
    let spanLon = Math.max(maxLon - minLon, 0.01) * 1.3;
    const cLat = (minLat + maxLat) / 2, cLon = (minLon + maxLon) / 2;
    if (spanLon * k / spanLat > this.w / this.hgt) spanLat = spanLon * k * this.hgt / this.w; else spanLon = spanLat * this.w / this.hgt / k;
    const x = (lon) => ((lon - (cLon - spanLon / 2)) / spanLon) * this.w;
    const y = (lat) => (((cLat + spanLat / 2) - lat) / spanLat) * this.hgt;

    const grid = s('g', { class: 'grid' });
    const step = niceStep(Math.max(spanLat, spanLon));
    for (let lat = Math.ceil((cLat - spanLat / 2) / step) * step; lat < cLat + spanLat / 2; lat += step) {
      grid.append(s('line', { x1: 0, x2: this.w, y1: y(lat), y2: y(lat) }), s('text', { x: 4, y: y(lat) - 3 }, `${lat.toFixed(3)}°N`));
    }
    for (let lon = Math.ceil((cLon - spanLon / 2) / step) * step; lon < cLon + spanLon / 2; lon += step) {
      grid.append(s('line', { y1: 0, y2: this.hgt, x1: x(lon), x2: x(lon) }), s('text', { x: x(lon) + 3, y: this.hgt - 4 }, `${lon.toFixed(3)}°E`));
    }
    this.svg.append(grid);
    for (const v of fixed) {
      const tr = trails.get(v.id);
      const cls = v.online ? 'on' : 'off';
      if (tr.length > 1) this.svg.append(s('polyline', { class: `trail ${cls}`, points: tr.map(([la, lo]) => `${x(lo).toFixed(1)},${y(la).toFixed(1)}`).join(' ') }));
      const g = v.telemetry.gps;
      const title = s('title');
      title.textContent = `${v.name}: ${g.speed_kmh.toFixed(0)} ${t('unit.kmh')}, ${g.heading.toFixed(0)}°, ${formatTime(g.time)}`;
      const px = x(g.lon), py = y(g.lat);
      this.svg.append(s('g', { class: `marker ${cls}`, transform: `translate(${px.toFixed(1)},${py.toFixed(1)})`, 'data-testid': `marker-${v.id}` },
        title,
        s('path', { d: 'M0,-11 L6,6 L0,2 L-6,6 Z', transform: `rotate(${g.heading.toFixed(0)})` }),
        s('text', { x: 10, y: 4 }, v.name)));
    }
  }
}
