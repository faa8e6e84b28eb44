// The form of a focus profile, in a modal dialog: title, unit, content and
// requirements; the scope (vehicles and cameras picked from the fleet;
// sites, routes, plates, enterprises and keywords one per line); the time
// window (dates in Vietnam's time, optional daily hours such as 20:00–06:00);
// the alert rules, with a geofence editor (a circle by centre and radius,
// or a polygon by its corners; a vehicle's current position as a centre;
// a preview of the shape with the vehicles); and who watches. The same
// form edits a draft or proposes a revision of an approved profile.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { Status, modal, unitOptions } from './ui.js';

// Rule ids the form gives each rule type.
const RULE_IDS = { geofence_enter: 'vao', geofence_leave: 'ra', camera_offline: 'camera', report_match: 'baocao', window_open: 'khunggio' };
export const RULE_TEXT = { geofence_enter: 'prof.ruleEnter', geofence_leave: 'prof.ruleLeave', camera_offline: 'prof.ruleCamera',
  report_match: 'prof.ruleReport', window_open: 'prof.ruleWindow' };

const lines = (s) => s.split(/[\n,;]/).map((x) => x.trim()).filter(Boolean);
// Vietnam's wall-clock time (datetime-local) to an instant, and back.
const toISO = (v) => (v ? `${v}:00+07:00` : undefined);
const fromISO = (iso) => (iso ? new Date(new Date(iso).getTime() + 7 * 3600e3).toISOString().slice(0, 16) : '');

// parsePolygon reads "lat, lon" corners, one per line.
export function parsePolygon(text) {
  const pts = text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split(/[\s,;]+/).map(Number));
  if (pts.length < 3 || pts.some((p) => p.length !== 2 || p.some((x) => !Number.isFinite(x)))) return null;
  return pts;
}

// openProfileForm shows the form; profile (optional) is the one to edit,
// onSaved gets the stored profile.
/**
 * @param {{profile?: any, me: any, onSaved?: (saved: any) => void}} opts
 */
export async function openProfileForm({ profile = null, me, onSaved = () => {} }) {
  const [vehicles, units] = await Promise.all([api.vehicles(), api.get('/api/v1/units')]);
  const spec = profile ? (profile.pending?.spec ?? profile.spec) : { scope: {}, window: {}, rules: [], watchers: [me.username], watch_on_duty: true };
  const sc = spec.scope || {};
  const status = new Status('profile-form-status');
  const input = (id, value = '', attrs = {}) => h('input', { id, name: id, value, 'data-testid': id, ...attrs });
  const area = (id, value = '', rows = 2) => h('textarea', { id, name: id, rows, 'data-testid': id }, value);
  const field = (id, label, el, hint) => h('div', { class: 'field' }, h('label', { for: id }, t(label)), el, hint ? h('p', { class: 'muted small' }, t(hint)) : null);
  const title = input('prof-title', spec.title || '', { required: true, maxlength: 200 });
  const unit = h('select', { id: 'prof-unit', 'data-testid': 'prof-unit', disabled: !!profile }, unitOptions(units, profile?.unit || me.unit));
  const content = area('prof-content', spec.content || '', 3);
  const reqs = area('prof-requirements', spec.requirements || '', 2);
  const vehicleBoxes = vehicles.map((v) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: v.id, checked: (sc.vehicles || []).includes(v.id),
    'data-testid': `prof-vehicle-${v.id}` }), `${v.name} (${v.id})`));
  const cameraBoxes = vehicles.flatMap((v) => (v.cameras || []).map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: `${v.id}/${c.id}`,
    checked: (sc.cameras || []).includes(`${v.id}/${c.id}`), 'data-testid': `prof-camera-${v.id}-${c.id}` }), `${v.name} · ${c.name}`)));
  const lists = Object.fromEntries(['sites', 'routes', 'plates', 'enterprises', 'keywords'].map((k) => [k, area(`prof-${k}`, (sc[k] || []).join('\n'))]));
  const w = spec.window || {};
  const from = input('prof-from', fromISO(w.from), { type: 'datetime-local' });
  const to = input('prof-to', fromISO(w.to), { type: 'datetime-local' });
  const dStart = input('prof-daily-start', w.daily?.start || '', { type: 'time' });
  const dEnd = input('prof-daily-end', w.daily?.end || '', { type: 'time' });
  const has = (type) => (spec.rules || []).find((r) => r.type === type);
  const ruleBoxes = Object.keys(RULE_IDS).map((type) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: type, checked: !!has(type), 'data-testid': `prof-rule-${RULE_IDS[type]}` }), t(RULE_TEXT[type])));
  const geo = (has('geofence_enter') || has('geofence_leave'))?.geofence;
  const shape = h('select', { id: 'prof-geo-shape', 'data-testid': 'prof-geo-shape' },
    h('option', { value: 'circle', selected: !geo?.polygon }, t('prof.circle')), h('option', { value: 'polygon', selected: !!geo?.polygon }, t('prof.polygon')));
  const lat = input('prof-geo-lat', geo?.circle?.center?.[0] ?? '', { inputmode: 'decimal' });
  const lon = input('prof-geo-lon', geo?.circle?.center?.[1] ?? '', { inputmode: 'decimal' });
  const radius = input('prof-geo-radius', geo?.circle?.radius_m ?? 500, { type: 'number', min: 10, max: 200000 });
  const poly = area('prof-geo-polygon', (geo?.polygon || []).map((p) => p.join(', ')).join('\n'), 4);
  const fromVehicle = h('select', { 'aria-label': t('prof.fromVehicle'), 'data-testid': 'prof-geo-vehicle' }, h('option', { value: '' }, t('prof.fromVehicle')),
    vehicles.filter((v) => v.telemetry?.gps).map((v) => h('option', { value: v.id }, v.name)));
  const circleBox = h('div', { class: 'prof-row' }, field('prof-geo-lat', 'prof.lat', lat), field('prof-geo-lon', 'prof.lon', lon), field('prof-geo-radius', 'prof.radius', radius), fromVehicle);
  const polyBox = field('prof-geo-polygon', 'prof.polygonPoints', poly, 'prof.polygonHelp');
  const geofence = () => {
    if (shape.value === 'polygon') { const p = parsePolygon(poly.value); return p ? { polygon: p } : null; }
    const c = [Number(lat.value), Number(lon.value)];
    return lat.value !== '' && lon.value !== '' && c.every(Number.isFinite) ? { circle: { center: c, radius_m: Number(radius.value) } } : null;
  };
  const draw = () => {
    circleBox.hidden = shape.value !== 'circle';
    polyBox.hidden = shape.value !== 'polygon';
  };
  const previewBox = h('div', { class: 'prof-preview', 'data-testid': 'prof-geo-preview' });
  const redraw = () => previewBox.replaceChildren(drawPreview(geofence(), vehicles));
  for (const el of [shape, lat, lon, radius, poly]) el.addEventListener('input', () => { draw(); redraw(); });
  fromVehicle.addEventListener('change', () => {
    const g = vehicles.find((v) => v.id === fromVehicle.value)?.telemetry?.gps;
    if (g) { lat.value = g.lat.toFixed(6); lon.value = g.lon.toFixed(6); }
    redraw();
  });
  const watchers = area('prof-watchers', (spec.watchers || []).join('\n'));
  const onDuty = h('input', { type: 'checkbox', id: 'prof-onduty', checked: !!spec.watch_on_duty, 'data-testid': 'prof-onduty' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'prof-save' }, t(profile?.state === 'approved' ? 'prof.propose' : 'prof.save'));
  const cancel = h('button', { type: 'button', 'data-testid': 'prof-cancel', onclick: () => close() }, t('common.cancel'));
  const form = h('form', { class: 'prof-form', 'data-testid': 'profile-form', onsubmit: (e) => { e.preventDefault(); save(); } },
    profile?.state === 'approved' ? h('p', { class: 'notice' }, t('prof.revisionNote')) : null,
    field('prof-title', 'prof.titleField', title), field('prof-unit', 'prof.unit', unit),
    field('prof-content', 'prof.content', content), field('prof-requirements', 'prof.requirements', reqs),
    h('fieldset', {}, h('legend', {}, t('prof.scope')),
      h('div', { class: 'prof-checks' }, h('strong', {}, t('prof.vehicles')), vehicleBoxes),
      h('div', { class: 'prof-checks' }, h('strong', {}, t('prof.cameras')), cameraBoxes),
      h('div', { class: 'prof-grid' }, ...Object.entries(lists).map(([k, el]) => field(el.id, `prof.${k}`, el)))),
    h('fieldset', {}, h('legend', {}, t('prof.window')),
      h('div', { class: 'prof-row' }, field('prof-from', 'prof.from', from), field('prof-to', 'prof.to', to),
        field('prof-daily-start', 'prof.dailyStart', dStart), field('prof-daily-end', 'prof.dailyEnd', dEnd)),
      h('p', { class: 'muted small' }, t('prof.windowHelp'))),
    h('fieldset', {}, h('legend', {}, t('prof.rules')), h('div', { class: 'prof-checks' }, ruleBoxes),
      h('div', { class: 'prof-geo' }, h('div', {}, field('prof-geo-shape', 'prof.geofence', shape), circleBox, polyBox,
        h('p', { class: 'muted small' }, t('prof.hysteresis'))), previewBox)),
    h('fieldset', {}, h('legend', {}, t('prof.watch')), field('prof-watchers', 'prof.watchers', watchers, 'prof.watchersHelp'),
      h('div', { class: 'check' }, onDuty, h('label', { for: 'prof-onduty' }, t('prof.onDuty')))),
    status.el, h('div', { class: 'form-actions' }, cancel, submit));
  const close = modal({ title: t(profile ? 'prof.editTitle' : 'prof.newTitle'), testid: 'profile-dialog', content: form, wide: true });
  draw();
  redraw();
  title.focus();

  async function save() {
    const picked = (boxes) => boxes.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const rules = [];
    for (const type of picked(ruleBoxes)) {
      const r = { id: RULE_IDS[type], type };
      if (type.startsWith('geofence_')) {
        r.geofence = geofence();
        if (!r.geofence) { status.show('bad', t('prof.badGeofence')); return; }
      }
      rules.push(r);
    }
    const window = { from: toISO(from.value), to: toISO(to.value) };
    if (dStart.value || dEnd.value) window.daily = { start: dStart.value, end: dEnd.value };
    const body = { title: title.value, content: content.value, requirements: reqs.value,
      scope: { vehicles: picked(vehicleBoxes), cameras: picked(cameraBoxes), ...Object.fromEntries(Object.entries(lists).map(([k, el]) => [k, lines(el.value)])) },
      window, rules, watchers: lines(watchers.value), watch_on_duty: onDuty.checked };
    submit.disabled = true;
    try {
      const saved = profile ? await api.put(`/api/v1/profiles/${encodeURIComponent(profile.id)}`, body)
        : await api.post('/api/v1/profiles', { unit: unit.value, ...body });
      close();
      onSaved(saved);
    } catch (e) {
      status.fail(e);
    } finally {
      submit.disabled = false;
    }
  }
}

// drawPreview sketches the geofence (metres to scale) with the vehicles
// that have a fix, so the officer sees where the area lies.
function drawPreview(g, vehicles) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs = {}) => { const el = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); return el; };
  const svg = s('svg', { viewBox: '0 0 240 180', class: 'map prof-map', role: 'img', 'aria-label': t('prof.preview') });
  if (!g) { const tx = s('text', { x: 12, y: 90 }); tx.textContent = t('prof.noGeofence'); svg.append(tx); return svg; }
  const pts = g.polygon ?? [g.circle.center];
  const c = pts.reduce((a, p) => [a[0] + p[0] / pts.length, a[1] + p[1] / pts.length], [0, 0]);
  const k = Math.cos((c[0] * Math.PI) / 180) * 111195;
  const xy = (p) => [(p[1] - c[1]) * k, (p[0] - c[0]) * 111195];
  const span = Math.max(g.circle ? g.circle.radius_m * 2.6 : 0, ...pts.map((p) => 2.6 * Math.max(...xy(p).map(Math.abs))), 200);
  const sc = 170 / span;
  const px = (p) => { const [x, y] = xy(p); return [120 + x * sc, 90 - y * sc]; };
  if (g.circle) { const [x, y] = px(g.circle.center); svg.append(s('circle', { cx: x, cy: y, r: g.circle.radius_m * sc, class: 'prof-area' })); }
  else svg.append(s('polygon', { points: pts.map((p) => px(p).map((v) => v.toFixed(1)).join(',')).join(' '), class: 'prof-area' }));
  for (const v of vehicles.filter((x) => x.telemetry?.gps)) {
    const [x, y] = px([v.telemetry.gps.lat, v.telemetry.gps.lon]);
    if (x < 0 || x > 240 || y < 0 || y > 180) continue;
    const dot = s('circle', { cx: x, cy: y, r: 4, class: 'prof-vehicle' });
    const tip = s('title'); tip.textContent = v.name; dot.append(tip);
    svg.append(dot);
  }
  return svg;
}
