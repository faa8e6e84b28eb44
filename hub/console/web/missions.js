// Mobile surveillance missions (giám sát cơ động): a
// command vehicle and its crew sent to a site or along a route for a time
// window with a purpose. The list (running, planned, finished), the
// planning form (leaders and duty officers), and one mission: its window
// and state, its GPS track on the map, its log as a timeline (events,
// live streams, instructions, reports) and its closing report.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { MapView } from './map.js';
import { Status, hasRole, isZero } from './ui.js';

export const REFRESH = 5000;

const STATE = { planned: 'mis.planned', active: 'mis.active', closed: 'mis.closed', cancelled: 'mis.cancelled' };
const KIND = {
  created: 'mis.evCreated', updated: 'mis.evUpdated', sent: 'mis.evSent', delivered: 'mis.evDelivered', started: 'mis.evStarted',
  ended: 'mis.evEnded', closed: 'mis.evClosed', cancelled: 'mis.evCancelled', 'stream.start': 'mis.evStreamStart',
  'stream.end': 'mis.evStreamEnd', gps: 'mis.evGps', instruction: 'mis.evInstruction', report: 'mis.evReport',
};

const fromLocal = (v) => (v ? new Date(Date.parse(`${v}:00+07:00`)).toISOString() : '');
const toLocal = (d) => new Date(d.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 16);
const when = (iso) => (isZero(iso) ? '—' : formatTime(iso, true));
const stateBadge = (m) => h('span', { class: `badge mis-${m.state}`, 'data-testid': 'mission-state', dataset: { state: m.state } }, t(STATE[m.state] || 'mis.planned'));
const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, t(label)), input);

export class MissionsView {
  constructor(root, { me, id = '' }) {
    this.every = REFRESH;
    this.me = me;
    this.id = id;
    this.status = new Status('missions-status');
    this.status.loading();
    this.body = h('div', { class: 'missions-body' });
    const head = h('div', { class: 'page-head' }, h('h1', {}, t(id ? 'mis.detailTitle' : 'mis.title')),
      id ? h('a', { href: '#/missions', class: 'ghost' }, t('mis.back')) : null);
    this.el = h('section', { class: 'page missions', 'data-testid': 'missions' }, head, h('p', { class: 'muted small' }, t('mis.help')),
      this.status.el, this.body);
    root.replaceChildren(this.el);
    this.canPlan = hasRole(me, 'leader', 'duty');
    if (!id && this.canPlan) this.el.append(this.form());
  }

  async refresh() {
    if (this.id) return this.refreshOne();
    const list = await api.get('/api/v1/missions');
    this.status.clear();
    const groups = [['active', 'mis.running'], ['planned', 'mis.upcoming'], ['done', 'mis.finished']];
    const pick = (g) => list.filter((m) => (g === 'done' ? m.state === 'closed' || m.state === 'cancelled' : m.state === g));
    this.body.replaceChildren(...groups.map(([g, title]) => h('section', { class: 'mis-group', 'data-testid': `missions-${g}` },
      h('h2', {}, `${t(title)} (${pick(g).length})`),
      pick(g).length ? h('div', { class: 'table-wrap' }, this.table(pick(g))) : h('p', { class: 'muted' }, t('mis.none')))));
  }

  table(list) {
    return h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ...['mis.vehicle', 'mis.site', 'mis.window', 'mis.purpose', 'mis.state'].map((k) => h('th', {}, t(k))))),
      h('tbody', {}, ...list.map((m) => h('tr', { 'data-testid': `mission-${m.id}` },
        h('td', {}, h('a', { href: `#/missions/${encodeURIComponent(m.id)}`, 'data-testid': 'mission-open' }, m.vehicle)),
        h('td', {}, m.site || '—'), h('td', {}, `${when(m.from)} – ${when(m.to)}`), h('td', {}, m.purpose), h('td', {}, stateBadge(m))))));
  }

  // form plans a mission: vehicle, crew, site or route, window, purpose.
  form() {
    const now = new Date(Date.now() + 5 * 60 * 1000);
    const vehicle = h('select', { id: 'mis-vehicle', required: true, 'data-testid': 'mis-vehicle' });
    const crew = h('input', { id: 'mis-crew', placeholder: t('mis.crewHint'), 'data-testid': 'mis-crew' });
    const site = h('input', { id: 'mis-site', required: true, 'data-testid': 'mis-site' });
    const route = h('textarea', { id: 'mis-route', rows: 2, placeholder: t('mis.routeHint'), 'data-testid': 'mis-route' });
    const from = h('input', { id: 'mis-from', type: 'datetime-local', required: true, value: toLocal(now), 'data-testid': 'mis-from' });
    const to = h('input', { id: 'mis-to', type: 'datetime-local', required: true, value: toLocal(new Date(now.getTime() + 4 * 3600 * 1000)), 'data-testid': 'mis-to' });
    const purpose = h('textarea', { id: 'mis-purpose', rows: 2, required: true, 'data-testid': 'mis-purpose' });
    const instr = h('textarea', { id: 'mis-instructions', rows: 2, 'data-testid': 'mis-instructions' });
    const status = new Status('mis-form-status');
    api.vehicles().then((vs) => vehicle.replaceChildren(...vs.map((v) => h('option', { value: v.id }, `${v.name} (${v.id})`)))).catch((e) => status.fail(e));
    const submit = async (e) => {
      e.preventDefault();
      const waypoints = [];
      for (const line of route.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const m = line.match(/^(.*?)[\s,;]*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)$/);
        if (!m) { status.show('bad', t('mis.badRoute', line)); return; }
        waypoints.push({ name: m[1].trim(), lat: Number(m[2]), lon: Number(m[3]) });
      }
      try {
        const m = await api.post('/api/v1/missions', { vehicle: vehicle.value, crew: crew.value.split(/[\s,;]+/).filter(Boolean),
          site: site.value, waypoints, from: fromLocal(from.value), to: fromLocal(to.value), purpose: purpose.value, instructions: instr.value });
        status.ok(t('mis.created'));
        location.hash = `#/missions/${encodeURIComponent(m.id)}`;
      } catch (err) { status.fail(err); }
    };
    return h('form', { class: 'card mis-form', 'data-testid': 'mission-form', onsubmit: submit }, h('h2', {}, t('mis.new')),
      h('div', { class: 'grid2' }, field('mis-vehicle', 'mis.vehicle', vehicle), field('mis-crew', 'mis.crew', crew),
        field('mis-site', 'mis.site', site), field('mis-route', 'mis.route', route),
        field('mis-from', 'mis.from', from), field('mis-to', 'mis.to', to),
        field('mis-purpose', 'mis.purpose', purpose), field('mis-instructions', 'mis.instructions', instr)),
      h('button', { type: 'submit', 'data-testid': 'mis-submit' }, t('mis.create')), status.el);
  }

  async refreshOne() {
    const id = encodeURIComponent(this.id);
    const [log, track, vehicles] = await Promise.all([api.get(`/api/v1/missions/${id}/log`), api.get(`/api/v1/missions/${id}/track`), api.vehicles()]);
    this.status.clear();
    const m = log.mission;
    const pts = track.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    for (const w of m.waypoints || []) pts.length || pts.push([w.lat, w.lon]);
    const map = new MapView({ compact: true, track: pts });
    this.body.replaceChildren(h('div', { class: 'mis-detail', 'data-testid': 'mission-detail', dataset: { id: m.id, state: m.state } },
      h('div', { class: 'mis-info card' }, this.info(m), this.actions(m), this.report(m)), map.el,
      h('section', { class: 'mis-log card' }, h('h2', {}, t('mis.log')), this.timeline(log.entries))));
    map.update(vehicles.filter((v) => v.id === m.vehicle && m.state === 'active'));
  }

  info(m) {
    const row = (k, v) => h('div', {}, h('dt', {}, t(k)), h('dd', {}, v));
    return h('dl', { class: 'kv' }, row('mis.state', stateBadge(m)), row('mis.vehicle', m.vehicle), row('mis.crew', (m.crew || []).join(', ') || '—'),
      row('mis.site', [m.site, ...(m.waypoints || []).map((w) => w.name || `${w.lat}, ${w.lon}`)].filter(Boolean).join(' → ')),
      row('mis.window', `${when(m.from)} – ${when(m.to)}`), row('mis.purpose', m.purpose), row('mis.instructions', m.instructions || '—'),
      row('mis.started', isZero(m.started) ? '—' : `${when(m.started)} · ${m.started_by}`),
      row('mis.ended', isZero(m.closed) ? '—' : `${when(m.closed)} · ${m.closed_by}`),
      row('mis.delivery', m.delivered ? t('mis.deliveredRev', m.delivered, m.rev, when(m.delivered_at)) : t('mis.notDelivered')));
  }

  actions(m) {
    const status = new Status('mis-action-status');
    const op = (path, body) => async () => {
      try { await api.post(`/api/v1/missions/${encodeURIComponent(m.id)}/${path}`, body?.()); await this.refresh(); } catch (e) { status.fail(e); }
    };
    const buttons = [];
    if (m.state === 'planned' && hasRole(this.me, 'leader', 'duty', 'crew')) buttons.push(h('button', { type: 'button', 'data-testid': 'mis-start', onclick: op('start', () => ({})) }, t('mis.startNow')));
    if ((m.state === 'planned' || m.state === 'active') && this.canPlan) {
      buttons.push(h('button', { type: 'button', class: 'danger', 'data-testid': 'mis-cancel', onclick: op('cancel', () => ({ reason: prompt(t('mis.cancelReason')) || '' })) }, t('mis.cancel')));
    }
    return h('div', { class: 'actions' }, ...buttons, status.el);
  }

  // report shows the closing report, or the form to write it.
  report(m) {
    if (m.report) {
      return h('div', { class: 'mis-report', 'data-testid': 'mission-report' }, h('h3', {}, t('mis.report')),
        h('p', {}, h('strong', {}, t('mis.summary')), ' ', m.report.summary),
        m.report.findings ? h('p', {}, h('strong', {}, t('mis.findings')), ' ', m.report.findings) : null,
        h('p', { class: 'muted small' }, `${m.report.by} · ${when(m.report.time)}`));
    }
    const mayClose = m.state === 'active' || (m.state === 'closed' && !m.report);
    if (!mayClose || !hasRole(this.me, 'leader', 'duty', 'crew')) return h('div');
    const summary = h('textarea', { id: 'mis-summary', rows: 3, required: true, 'data-testid': 'mis-summary' });
    const findings = h('textarea', { id: 'mis-findings', rows: 3, 'data-testid': 'mis-findings' });
    const status = new Status('mis-close-status');
    return h('form', { class: 'mis-close', 'data-testid': 'mission-close', onsubmit: async (e) => {
      e.preventDefault();
      try { await api.post(`/api/v1/missions/${encodeURIComponent(m.id)}/close`, { summary: summary.value, findings: findings.value }); await this.refresh(); } catch (err) { status.fail(err); }
    } }, h('h3', {}, t('mis.closeTitle')), field('mis-summary', 'mis.summary', summary), field('mis-findings', 'mis.findings', findings),
    h('button', { type: 'submit', 'data-testid': 'mis-close-submit' }, t('mis.closeBtn')), status.el);
  }

  timeline(entries) {
    if (!entries.length) return h('p', { class: 'muted' }, t('mis.noLog'));
    return h('ol', { class: 'timeline', 'data-testid': 'mission-log' }, ...entries.map((e) => h('li', { class: `ev-${e.kind.replace('.', '-')}`, dataset: { kind: e.kind } },
      h('time', { datetime: e.time }, formatTime(e.time, true)), ' ', h('strong', {}, t(KIND[e.kind] || 'mis.evOther')),
      e.text ? ` ${e.text}` : '', e.by ? h('span', { class: 'muted' }, ` · ${e.by}`) : '')));
  }

  fail(e) { this.status.fail(e); }
}
