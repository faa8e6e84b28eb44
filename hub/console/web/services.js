// Service monitoring (Decision 3035, Appendix II): every service of the
// hub and of each vehicle the user sees, running (green), stopped (yellow)
// or in error (red), with its unit, address, since when and the message; a
// count per state; and the history of state changes, filtered by host and
// time range, newest first. Refreshed every 5 s.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, isZero, same, unitName } from './ui.js';

// Who sees the page (the hub enforces it: alerts.view).
export const SERVICE_ROLES = ['admin', 'leader', 'duty', 'surveillance'];

export const REFRESH = 5000;

// Service states of the API, and how the console names them.
export const STATE = { running: 'svc.running', stopped: 'svc.stopped', error: 'svc.error' };

// Services of the hub and of a vehicle, in the order the page shows them,
// and how the console names them; a camera's capture and uplink carry the
// camera's id ("camera cam1").
export const SERVICE = {
  http: 'svc.http', relay: 'svc.relay', archive: 'svc.archive', control: 'svc.control', scheduler: 'svc.scheduler',
  recorder: 'svc.recorder', storage: 'svc.storage', sync: 'svc.sync',
};
export const PER_CAMERA = { camera: 'svc.camera', uplink: 'svc.uplink' };
const ORDER = ['http', 'relay', 'archive', 'control', 'scheduler', 'camera', 'uplink', 'recorder', 'storage', 'sync'];

// The history shows at most HISTORY_LIMIT changes. A message may change
// with every report while the state stays (an uplink's bitrate), so to
// show state changes only, more are read and those left out.
const HISTORY_LIMIT = 200;
const HISTORY_READ = 2000;
const HEAD = ['svc.time', 'svc.host', 'svc.service', 'svc.change', 'svc.message', 'svc.unit', 'svc.address'];

// serviceName is a service's name in the user's language.
export function serviceName(name) {
  const [kind, ...rest] = name.split(' ');
  if (PER_CAMERA[kind] && rest.length) return t(PER_CAMERA[kind], rest.join(' '));
  return SERVICE[name] ? t(SERVICE[name]) : name;
}

const stateText = (s) => (STATE[s] ? t(STATE[s]) : s || '—');
const rank = (name) => {
  const i = ORDER.indexOf(name.split(' ')[0]);
  return i < 0 ? ORDER.length : i;
};
const byOrder = (a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name);
// worst is the state a host shows: error over stopped over running.
const worst = (list) => (list.some((s) => s.state === 'error') ? 'error' : list.some((s) => s.state === 'stopped') ? 'stopped' : 'running');
const slug = (name) => name.replace(/\s+/g, '-');
const time = (iso) => (isZero(iso) ? '—' : formatTime(iso, true));

// fromLocal reads a datetime-local value as Vietnam time; toLocal is the reverse.
const fromLocal = (v) => (v ? new Date(Date.parse(`${v}:00+07:00`)).toISOString() : '');
const toLocal = (iso) => (iso && !Number.isNaN(Date.parse(iso)) ? new Date(Date.parse(iso) + 7 * 3600 * 1000).toISOString().slice(0, 16) : '');

export class ServicesView {
  constructor(root, params) {
    this.every = REFRESH; // the console refreshes this page this often
    this.vehicles = [];
    this.units = null; // read once
    /** @type {unknown} what the tables show (redrawn only on a change) */
    this.hostsShown = null;
    /** @type {unknown} */
    this.historyShown = null;
    this.wantHost = params.get('host') || '';
    this.status = new Status('svc-status');
    this.status.loading();
    this.summary = h('div', { class: 'svc-summary', role: 'status', 'aria-label': t('svc.summary'), 'data-testid': 'svc-summary' });
    this.hosts = h('div', { class: 'svc-hosts', 'aria-live': 'polite' });
    this.host = h('select', { id: 'svc-filter-host', name: 'host', 'data-testid': 'svc-filter-host', onchange: () => this.search() },
      h('option', { value: '' }, t('svc.allHosts')));
    this.from = h('input', { id: 'svc-filter-from', type: 'datetime-local', value: toLocal(params.get('from')), 'data-testid': 'svc-filter-from' });
    this.to = h('input', { id: 'svc-filter-to', type: 'datetime-local', value: toLocal(params.get('to')), 'data-testid': 'svc-filter-to' });
    this.changes = h('input', { id: 'svc-filter-changes', type: 'checkbox', checked: params.get('all') !== '1', 'data-testid': 'svc-filter-changes',
      onchange: () => this.search() });
    this.histStatus = new Status('svc-history-status');
    this.count = h('p', { class: 'muted small', 'data-testid': 'svc-history-count' });
    this.history = h('div', { class: 'table-wrap', 'data-testid': 'svc-history' });
    const form = h('form', { class: 'filters', 'data-testid': 'svc-filters', onsubmit: (e) => { e.preventDefault(); this.search(); } },
      h('div', { class: 'field' }, h('label', { for: 'svc-filter-host' }, t('svc.host')), this.host),
      h('div', { class: 'field' }, h('label', { for: 'svc-filter-from' }, t('svc.from')), this.from),
      h('div', { class: 'field' }, h('label', { for: 'svc-filter-to' }, t('svc.to')), this.to),
      h('div', { class: 'check' }, this.changes, h('label', { for: 'svc-filter-changes' }, t('svc.onlyChanges'))),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'svc-filter-apply' }, t('svc.search')),
        h('button', { type: 'button', 'data-testid': 'svc-filter-clear', onclick: () => { this.host.value = ''; this.from.value = ''; this.to.value = ''; this.changes.checked = true; this.search(); } }, t('svc.clear'))));
    root.replaceChildren(h('section', { class: 'page services', 'data-testid': 'services' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('svc.title'))),
      h('p', { class: 'muted' }, t('svc.help')),
      this.status.el, this.summary, this.hosts,
      h('section', { class: 'svc-history', 'aria-labelledby': 'svc-history-title' },
        h('h2', { id: 'svc-history-title' }, t('svc.history')),
        form, h('p', { class: 'muted small' }, t('arch.zone')), this.histStatus.el, this.count, this.history)));
  }

  // query is the history's filter as the API takes it, or null when the
  // range is empty.
  query() {
    const q = new URLSearchParams();
    const host = this.host.value || this.wantHost;
    const from = fromLocal(this.from.value), to = fromLocal(this.to.value);
    if (from && to && Date.parse(from) >= Date.parse(to)) return null;
    if (host) q.set('host', host);
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    return q;
  }

  // search applies the filters: the address keeps them, the history is read again.
  search() {
    this.wantHost = this.host.value;
    const q = this.query();
    const shown = new URLSearchParams(q ?? undefined);
    if (!this.changes.checked) shown.set('all', '1');
    history.replaceState(null, '', `#/services${shown.size ? `?${shown}` : ''}`);
    this.histStatus.loading();
    this.readHistory().catch((e) => this.histStatus.fail(e));
  }

  async refresh() {
    const [services, vehicles, units] = await Promise.all([api.get('/api/v1/services'), api.vehicles(),
      this.units ?? api.get('/api/v1/units').catch(() => [])]);
    Object.assign(this, { vehicles, units });
    this.status.clear();
    this.show(services);
    this.hostOptions(services);
    await this.readHistory();
  }

  fail(e) {
    this.status.fail(e);
  }

  async readHistory() {
    const q = this.query();
    if (!q) {
      this.histStatus.show('bad', t('svc.badRange'));
      return;
    }
    const only = this.changes.checked;
    const asked = `${q}|${only}`;
    q.set('limit', String(only ? HISTORY_READ : HISTORY_LIMIT));
    let list;
    try {
      list = await api.get(`/api/v1/services/history?${q}`);
    } catch (e) {
      if (!(e instanceof APIError) || e.status === 401 || e.code === 'password_change_required') throw e; // the console's business
      this.histStatus.fail(e);
      return;
    }
    if (asked !== `${this.query()}|${this.changes.checked}`) return; // the filters changed meanwhile
    this.histStatus.clear();
    this.showHistory(only ? list.filter((e) => e.was !== e.state).slice(0, HISTORY_LIMIT) : list);
  }

  vehicleName(id) {
    if (id === 'hub') return t('svc.hub');
    const v = this.vehicles.find((x) => x.id === id);
    return v ? `${v.name} (${id})` : id;
  }

  // show draws the summary and a grid per host: the hub, then the vehicles
  // (those that reported nothing yet too).
  show(services) {
    const byHost = new Map([['hub', []]]);
    for (const v of [...this.vehicles].sort((a, b) => a.id.localeCompare(b.id))) byHost.set(v.id, []);
    for (const s of services) {
      if (!byHost.has(s.host)) byHost.set(s.host, []);
      byHost.get(s.host).push(s);
    }
    if (!byHost.get('hub').length) byHost.delete('hub');
    const names = this.vehicles.map((v) => [v.id, v.name, v.unit]);
    if (same(this, [services, names, this.units.map((u) => [u.id, u.name])])) return;
    this.showSummary(services);
    this.hosts.replaceChildren(...[...byHost].map(([host, list]) => this.hostGrid(host, list.sort(byOrder))));
    if (!byHost.size) this.hosts.replaceChildren(h('p', { class: 'empty', 'data-testid': 'svc-empty' }, t('svc.none')));
  }

  showSummary(services) {
    const counts = { running: 0, stopped: 0, error: 0 };
    for (const s of services) if (s.state in counts) counts[s.state]++;
    this.summary.dataset.state = worst(services);
    this.summary.replaceChildren(
      ...Object.entries(counts).map(([state, n]) => h('span', { class: `svc-count st-${state}`, 'data-testid': `svc-count-${state}`, 'data-count': String(n) },
        h('strong', {}, String(n)), ' ', stateText(state))),
      h('span', { class: 'svc-total muted' }, t('svc.total', services.length)));
  }

  hostGrid(host, list) {
    const v = this.vehicles.find((x) => x.id === host);
    // A vehicle out of contact: its other services show the last state it sent.
    const control = list.find((s) => s.name === 'control');
    const lost = host !== 'hub' && control && control.state !== 'running';
    const state = list.length ? worst(list) : 'none';
    const sub = host === 'hub' ? '' : [host, v?.unit ? unitName(this.units, v.unit) : ''].filter(Boolean).join(' · ');
    return h('section', { class: `svc-host st-${state}`, 'data-testid': `svc-host-${host}`, 'data-host': host, 'data-state': state,
      'aria-labelledby': `svc-host-title-${host}` },
    h('header', { class: 'svc-host-head' },
      h('h2', { id: `svc-host-title-${host}` }, host === 'hub' ? t('svc.hub') : v?.name || host, sub ? h('span', { class: 'muted small' }, ` ${sub}`) : null),
      list.length ? h('span', { class: `svc-state st-${state}` }, stateText(state)) : null),
    list.length ? h('ul', { class: 'svc-tiles' }, list.map((s) => this.tile(s, lost && s.name !== 'control')))
      : h('p', { class: 'empty' }, t('svc.noServices')));
  }

  tile(s, stale) {
    const row = (k, val) => (val ? [h('dt', {}, t(k)), h('dd', {}, val)] : []);
    return h('li', { class: `svc-tile st-${s.state}${stale ? ' stale' : ''}`, 'data-testid': `svc-${s.host}-${slug(s.name)}`, 'data-state': s.state,
      'data-name': s.name, title: s.name },
    h('div', { class: 'svc-tile-head' }, h('strong', {}, serviceName(s.name)), h('span', { class: `svc-state st-${s.state}` }, stateText(s.state))),
    s.message ? h('p', { class: 'svc-message' }, s.message) : null,
    stale ? h('p', { class: 'svc-stale small' }, t('svc.stale', time(s.seen))) : null,
    h('dl', { class: 'svc-meta small' },
      ...row('svc.unit', s.unit ? unitName(this.units, s.unit) : ''),
      ...row('svc.address', s.address),
      ...row('svc.since', time(s.since)),
      ...row('svc.seen', time(s.seen))));
  }

  // hostOptions lists the hub and every vehicle in the host filter, keeping the choice.
  hostOptions(services) {
    const hosts = new Set(['hub', ...this.vehicles.map((v) => v.id), ...services.map((s) => s.host)]);
    if (this.wantHost) hosts.add(this.wantHost);
    hosts.delete('hub');
    const list = ['hub', ...[...hosts].sort((a, b) => a.localeCompare(b))];
    if (same(this.hostsShown ??= {}, [list, this.vehicles.map((v) => [v.id, v.name])])) return;
    const want = this.wantHost;
    this.host.replaceChildren(h('option', { value: '' }, t('svc.allHosts')),
      ...list.map((id) => h('option', { value: id, selected: id === want }, this.vehicleName(id))));
    this.host.value = want;
  }

  showHistory(list) {
    if (same(this.historyShown ??= {}, [list, this.vehicles.map((v) => [v.id, v.name])])) return;
    this.count.textContent = t('svc.count', list.length, HISTORY_LIMIT);
    if (!list.length) { this.history.replaceChildren(h('p', { class: 'empty', 'data-testid': 'svc-history-empty' }, t('svc.noHistory'))); return; }
    this.history.replaceChildren(h('table', { class: 'data svc-history-table' },
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((e, i) => h('tr', { class: `st-${e.state}`, 'data-testid': `svc-history-row-${i}`, 'data-host': e.host, 'data-name': e.name,
        'data-state': e.state, 'data-was': e.was },
      h('td', { class: 'nowrap' }, time(e.time)), h('td', {}, this.vehicleName(e.host)), h('td', { title: e.name }, serviceName(e.name)),
      h('td', { class: 'nowrap' }, e.was ? h('span', { class: `svc-state st-${e.was}` }, stateText(e.was)) : h('span', { class: 'muted' }, t('svc.new')),
        ' → ', h('span', { class: `svc-state st-${e.state}` }, stateText(e.state))),
      h('td', { class: 'wrap' }, e.message || ''), h('td', {}, e.unit ? unitName(this.units, e.unit) : '—'), h('td', {}, e.address || '—'))))));
  }

  update() {}
  destroy() {}
}
