// Incidents (Decision 247): camera and transmission faults, open ones
// first, with the due date in working days and the overdue and
// missing-daily-update flags in red; opening one on a vehicle's camera or
// link; assigning; the daily update; the manual gate log (plate, container,
// time in and out) kept while a gate camera is down; closing with the cause
// and the fix.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, hasRole, isZero, same } from './ui.js';

// Incident kinds of the API, and how the console names them.
export const INCIDENT_KIND = { camera: 'inc.camera', transmission: 'inc.transmission' };

const when = (iso) => (isZero(iso) ? '—' : formatTime(iso, true));
const day = (ms) => new Date(ms + 7 * 3600e3).toISOString().slice(0, 10);
// fromLocal reads a datetime-local value as Vietnam time.
const fromLocal = (v) => (v ? new Date(Date.parse(`${v}:00+07:00`)).toISOString() : undefined);

export class IncidentsView {
  constructor(root, { me, params }) {
    this.every = 10000;
    this.me = me;
    this.id = params.get('id') || '';
    this.writer = hasRole(me, 'leader', 'duty', 'surveillance');
    this.offDays = new Set(); // non-working days, from the calendar
    this.status = new Status('inc-status');
    this.status.loading();
    this.list = h('div', { class: 'table-wrap', 'data-testid': 'inc-list' });
    this.detail = h('div', { 'data-testid': 'inc-detail' });
    root.replaceChildren(h('section', { class: 'page incidents', 'data-testid': 'incidents' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('inc.title'))),
      h('p', { class: 'muted' }, t('inc.help')), this.status.el,
      this.writer ? this.openForm() : null, this.list, this.detail));
  }

  openForm() {
    this.vehicle = h('select', { id: 'inc-vehicle', 'data-testid': 'inc-vehicle', onchange: () => this.fillCameras() });
    this.camera = h('select', { id: 'inc-camera', 'data-testid': 'inc-camera' });
    const kind = h('select', { id: 'inc-kind', 'data-testid': 'inc-kind' }, Object.entries(INCIDENT_KIND).map(([k, key]) => h('option', { value: k }, t(key))));
    const title = h('input', { id: 'inc-title', required: true, maxlength: 300, 'data-testid': 'inc-title' });
    const st = new Status('inc-open-status');
    return h('details', { class: 'card' }, h('summary', { 'data-testid': 'inc-open-toggle' }, t('inc.open')),
      h('form', { class: 'filters', 'data-testid': 'inc-open-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const in_ = await api.post('/api/v1/incidents', { kind: kind.value, vehicle: this.vehicle.value, camera: kind.value === 'camera' ? this.camera.value : '', title: title.value.trim() });
          title.value = '';
          st.ok(t('inc.opened', when(in_.due)));
          this.id = in_.id;
          await this.refresh();
        } catch (err) { st.fail(err); }
      } },
      h('div', { class: 'field' }, h('label', { for: 'inc-kind' }, t('inc.kind')), kind),
      h('div', { class: 'field' }, h('label', { for: 'inc-vehicle' }, t('inc.vehicle')), this.vehicle),
      h('div', { class: 'field' }, h('label', { for: 'inc-camera' }, t('inc.cameraField')), this.camera),
      h('div', { class: 'field grow' }, h('label', { for: 'inc-title' }, t('inc.titleField')), title),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'inc-submit' }, t('inc.openBtn'))), st.el));
  }

  fillCameras() {
    const v = (this.vehicles || []).find((x) => x.id === this.vehicle.value);
    this.camera.replaceChildren(...(v?.cameras || []).map((c) => h('option', { value: c.id }, c.name || c.id)));
  }

  // workingDaysLeft counts the working days from today to the due day.
  workingDaysLeft(due) {
    let n = 0;
    const end = day(Date.parse(due));
    for (let ms = Date.now(); day(ms) < end; ms += 86400e3) {
      const d = day(ms + 86400e3);
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      const off = this.offDays.has(d) || ((wd === 0 || wd === 6) && !this.worked.has(d));
      if (!off) n++;
    }
    return n;
  }

  async refresh() {
    if (!this.vehicles) {
      const year = Number(day(Date.now()).slice(0, 4));
      const [vehicles, y1, y2] = await Promise.all([api.vehicles().catch(() => []), api.get(`/api/v1/calendar?year=${year}`).catch(() => ({ days: [] })),
        api.get(`/api/v1/calendar?year=${year + 1}`).catch(() => ({ days: [] }))]);
      this.vehicles = vehicles;
      // The officers an incident can be assigned to: those one sees.
      this.users = (await api.get('/api/v1/users').catch(() => [])).filter((u) => !u.retired && (u.roles || []).some((r) => r !== 'admin'));
      this.worked = new Set();
      for (const d of [...y1.days, ...y2.days]) (d.kind === 'worked' ? this.worked : this.offDays).add(d.date);
      if (this.vehicle) {
        this.vehicle.replaceChildren(...vehicles.map((v) => h('option', { value: v.id }, v.name || v.id)));
        this.fillCameras();
      }
    }
    const list = await api.get('/api/v1/incidents');
    list.sort((a, b) => (isZero(a.closed) === isZero(b.closed) ? Date.parse(a.due) - Date.parse(b.due) : isZero(a.closed) ? -1 : 1));
    if (!same(this, list)) this.render(list);
    this.status.clear();
  }

  render(list) {
    this.list.replaceChildren(list.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['inc.kind', 'inc.titleField', 'inc.where', 'inc.openedAt', 'inc.due', 'inc.assignee', 'inc.flags'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((x) => {
        const open = isZero(x.closed);
        return h('tr', { 'data-testid': 'inc-row', 'data-id': x.id, class: `${x.id === this.id ? 'selected' : ''} ${open ? '' : 'muted'}` },
          h('td', {}, t(INCIDENT_KIND[x.kind] || x.kind)),
          h('td', {}, h('button', { type: 'button', class: 'link', 'data-testid': 'inc-select', onclick: () => { this.id = x.id; this.shown = null; this.refresh(); } }, x.title)),
          h('td', {}, [x.vehicle, x.camera].filter(Boolean).join(' / ') || '—'), h('td', {}, when(x.opened)),
          h('td', { class: x.overdue ? 'bad' : '' }, when(x.due), open ? h('div', { class: 'small muted' }, t('inc.daysLeft', this.workingDaysLeft(x.due))) : null),
          h('td', {}, x.assignee || '—'),
          h('td', {}, open ? [x.overdue ? h('span', { class: 'badge off', 'data-testid': 'inc-overdue' }, t('inc.overdue')) : null,
            x.update_missing ? h('span', { class: 'badge off', 'data-testid': 'inc-missing' }, t('inc.missingUpdate')) : null] : h('span', { class: 'badge on' }, t('inc.closed'))));
      }))) : h('p', { class: 'empty' }, t('inc.none')));
    const sel = list.find((x) => x.id === this.id);
    this.detail.replaceChildren(sel ? this.renderDetail(sel) : '');
  }

  act(x, op, body, st) {
    return api.post(`/api/v1/incidents/${encodeURIComponent(x.id)}/${op}`, body).then(() => { this.shown = null; return this.refresh(); }).catch((e) => st.fail(e));
  }

  renderDetail(x) {
    const open = isZero(x.closed) && this.writer;
    const st = new Status('inc-action-status');
    const field = (id, label, attrs = {}) => { const el = h(attrs.tag || 'input', { id, 'data-testid': id, ...attrs, tag: undefined }); return [el, h('div', { class: 'field' }, h('label', { for: id }, label), el)]; };
    const [assignee, assigneeF] = field('inc-assignee', t('inc.assignee'), { required: true, value: x.assignee || '', list: 'inc-officers' });
    const officers = h('datalist', { id: 'inc-officers' }, (this.users || []).map((u) => h('option', { value: u.username }, u.name || u.username)));
    const [upd, updF] = field('inc-update-text', t('inc.updateText'), { required: true, maxlength: 2000 });
    const [plate, plateF] = field('inc-plate', t('inc.plate'), { required: true, maxlength: 20 });
    const [cont, contF] = field('inc-container', t('inc.container'), { maxlength: 20 });
    const [tin, tinF] = field('inc-in', t('inc.timeIn'), { type: 'datetime-local' });
    const [tout, toutF] = field('inc-out', t('inc.timeOut'), { type: 'datetime-local' });
    const [cause, causeF] = field('inc-cause', t('inc.cause'), { required: true, maxlength: 2000 });
    const [fix, fixF] = field('inc-fix', t('inc.fix'), { required: true, maxlength: 2000 });
    const form = (testid, fields, label, fn) => h('form', { class: 'filters', 'data-testid': testid, onsubmit: (e) => { e.preventDefault(); fn(); } },
      fields, h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': `${testid}-submit` }, label)));
    return h('section', { class: 'card', 'aria-labelledby': 'inc-detail-title' },
      h('h2', { id: 'inc-detail-title' }, x.title),
      h('p', { class: 'muted small' }, t('inc.detailLine', t(INCIDENT_KIND[x.kind] || x.kind), when(x.opened), x.opened_by, when(x.due))),
      isZero(x.closed) ? null : h('p', {}, h('b', {}, t('inc.closedLine', when(x.closed), x.closed_by)), h('br'), `${t('inc.cause')}: ${x.cause}`, h('br'), `${t('inc.fix')}: ${x.fix}`),
      h('h3', {}, t('inc.updates')),
      x.updates.length ? h('ul', { 'data-testid': 'inc-updates' }, x.updates.map((u) => h('li', {}, h('span', { class: 'muted small' }, `${when(u.time)} · ${u.by}: `), u.text))) : h('p', { class: 'empty' }, t('inc.noUpdates')),
      h('h3', {}, t('inc.gateLog')),
      x.gate_log.length ? h('table', { class: 'data', 'data-testid': 'inc-gate' },
        h('thead', {}, h('tr', {}, ['inc.plate', 'inc.container', 'inc.timeIn', 'inc.timeOut', 'inc.by'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, x.gate_log.map((g) => h('tr', {}, h('td', {}, g.plate), h('td', {}, g.container || '—'), h('td', {}, when(g.in)), h('td', {}, when(g.out)), h('td', {}, g.by))))) :
        h('p', { class: 'empty' }, t('inc.noGate')),
      open ? [
        officers,
        form('inc-assign', assigneeF, t('inc.assign'), () => this.act(x, 'assign', { assignee: assignee.value.trim() }, st)),
        form('inc-update', updF, t('inc.postUpdate'), () => this.act(x, 'update', { text: upd.value.trim() }, st)),
        x.kind === 'camera' ? form('inc-gate-form', [plateF, contF, tinF, toutF], t('inc.addGate'),
          () => this.act(x, 'gate', { plate: plate.value.trim(), container: cont.value.trim(), in: fromLocal(tin.value), out: fromLocal(tout.value) }, st)) : null,
        form('inc-close', [causeF, fixF], t('inc.close'), () => this.act(x, 'close', { cause: cause.value.trim(), fix: fix.value.trim() }, st)),
      ] : null, st.el);
  }

  fail(e) { this.status.fail(e); }
}
