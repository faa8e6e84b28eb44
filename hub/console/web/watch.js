// Continuous surveillance (giám sát thường xuyên, Decision 888 Art. 13.1):
// one's camera tour; the unit's camera groups (by area, site or scope);
// the shift's watch assignments (spread automatically over the officers on
// duty, or by hand); the coverage check, a bar per camera across the shift
// with unwatched time in red and its reason; and the random-sample lists.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, hasRole, unitOptions, unitName, dialog, errorText } from './ui.js';
import { TourPlayer } from './tour.js';
import { currentShift } from './dutylog.js';
import { coverageView } from './coverage.js';
import { SamplesPanel } from './samples.js';

export const WATCH_ROLES = ['leader', 'duty', 'surveillance'];
const WRITERS = ['leader', 'duty'];

const refOf = (m) => (m.kind === 'unit' ? `unit:${m.unit}` : m.kind === 'vehicle' ? `vehicle:${m.vehicle}` : `camera:${m.vehicle}/${m.camera}`);

/**
 * field is the form control that selector finds under root.
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLInputElement | HTMLSelectElement}
 */
const field = (root, selector) => /** @type {HTMLInputElement | HTMLSelectElement} */ (root.querySelector(selector));

export class WatchView {
  constructor(root, { me }) {
    this.me = me;
    this.every = 15000;
    this.writer = hasRole(me, ...WRITERS);
    this.units = [];
    this.vehicles = [];
    this.groups = [];
    this.editing = null; // the group in the editor, or null for a new one
    this.status = new Status('watch-status');
    this.unitSel = h('select', { id: 'watch-unit', 'data-testid': 'watch-unit', onchange: () => this.reload() });
    this.shiftIn = h('input', { id: 'watch-shift', type: 'date', value: currentShift(), 'data-testid': 'watch-shift', onchange: () => this.reload() });
    this.tourBox = h('div', { class: 'watch-tour' });
    this.groupList = h('div', { class: 'table-wrap', 'data-testid': 'watch-groups' });
    this.groupStatus = new Status('watch-group-status');
    this.asgList = h('div', { class: 'table-wrap', 'data-testid': 'watch-assignments' });
    this.asgStatus = new Status('watch-assign-status');
    this.coverage = h('div', { class: 'coverage', 'data-testid': 'watch-coverage' });
    this.samples = new SamplesPanel(me, () => this.unit(), () => this.shiftIn.value);
    this.editor = this.writer ? h('form', { class: 'watch-editor', 'data-testid': 'watch-group-form', onsubmit: (e) => { e.preventDefault(); this.saveGroup(); } }) : null;
    this.manual = this.writer ? h('form', { class: 'filters', 'data-testid': 'watch-manual', onsubmit: (e) => { e.preventDefault(); this.assign(); } }) : null;
    const section = (id, title, ...body) => h('section', { class: 'watch-section', 'aria-labelledby': id }, h('h2', { id }, t(title)), ...body);
    root.replaceChildren(h('section', { class: 'page watch', 'data-testid': 'watch' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('watch.title')),
        h('label', { for: 'watch-unit' }, t('watch.unit')), this.unitSel,
        h('label', { for: 'watch-shift' }, t('watch.shift')), this.shiftIn),
      h('p', { class: 'muted' }, t('watch.help')), this.status.el,
      section('watch-tour-title', 'tour.title', this.tourBox),
      section('watch-cov-title', 'watch.coverage', this.coverage),
      section('watch-asg-title', 'watch.assignments',
        this.writer ? h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', 'data-testid': 'watch-auto', onclick: () => this.auto() }, t('watch.auto')),
          h('span', { class: 'muted small' }, t('watch.autoHelp'))) : null,
        this.asgStatus.el, this.asgList, this.manual),
      section('watch-groups-title', 'watch.groups', this.groupStatus.el, this.groupList, this.editor),
      section('watch-samples-title', 'samples.title', this.samples.el)));
    this.tour = new TourPlayer({ me }, this.tourBox);
    this.status.loading();
  }

  unit() { return this.unitSel.value || this.me.unit; }

  destroy() { this.tour.stop(); }

  fail(e) { this.status.fail(e); }

  reload() { this.shownAsg = this.shownCov = null; this.refresh().catch((e) => this.status.fail(e)); }

  async refresh() {
    if (!this.units.length) {
      [this.units, this.vehicles] = await Promise.all([api.get('/api/v1/units').catch(() => []), api.vehicles()]);
      this.unitSel.replaceChildren(...unitOptions(this.units, this.me.unit));
      if (this.editor) this.fillEditor(null);
    }
    const q = `unit=${encodeURIComponent(this.unit())}&shift=${encodeURIComponent(this.shiftIn.value || currentShift())}`;
    const [groups, asg, cov] = await Promise.all([api.get(`/api/v1/watch/groups?unit=${encodeURIComponent(this.unit())}`),
      api.get(`/api/v1/watch/assignments?${q}`), api.get(`/api/v1/watch/coverage?${q}`)]);
    this.groups = groups;
    this.showGroups();
    this.showAssignments(asg);
    const covKey = JSON.stringify(cov);
    if (covKey !== this.shownCov) { this.shownCov = covKey; this.coverage.replaceChildren(coverageView(cov)); }
    await this.samples.refresh();
    this.status.clear();
  }

  showGroups() {
    const rows = this.groups.map((g) => h('tr', { 'data-testid': `watch-group-${g.id}` },
      h('td', {}, g.name), h('td', {}, unitName(this.units, g.unit)),
      h('td', {}, g.members.map((m) => this.memberText(m)).join('; ')),
      h('td', { class: 'num', 'data-testid': 'watch-group-cameras' }, String(g.cameras.length)),
      this.writer ? h('td', { class: 'actions' },
        h('button', { type: 'button', 'data-testid': 'watch-group-edit', onclick: () => this.fillEditor(g) }, t('common.edit')),
        h('button', { type: 'button', class: 'danger', 'data-testid': 'watch-group-delete', onclick: () => this.deleteGroup(g) }, t('common.delete'))) : null));
    this.groupList.replaceChildren(rows.length ? h('table', {},
      h('thead', {}, h('tr', {}, ...['watch.groupName', 'watch.unit', 'watch.members', 'watch.cameras'].map((k) => h('th', {}, t(k))), this.writer ? h('th', {}, '') : null)),
      h('tbody', {}, ...rows)) : h('p', { class: 'empty' }, t('watch.noGroups')));
    if (this.manual && !this.manual.dataset.filled) this.fillManual();
  }

  memberText(m) {
    if (m.kind === 'unit') return t('watch.memberUnit', unitName(this.units, m.unit));
    const v = this.vehicles.find((x) => x.id === m.vehicle);
    if (m.kind === 'vehicle') return t('watch.memberVehicle', v?.name || m.vehicle);
    return `${v?.name || m.vehicle} · ${v?.cameras.find((c) => c.id === m.camera)?.name || m.camera}`;
  }

  // fillEditor puts a group (or a blank one) in the editor: a name and a
  // checkbox per unit (all its cameras), vehicle and camera in scope.
  fillEditor(g) {
    this.editing = g;
    const chosen = new Set((g?.members || []).map(refOf));
    const box = (ref, label, testid) => {
      const id = `wm-${ref.replace(/[^a-z0-9]+/gi, '-')}`;
      return h('span', { class: 'check' }, h('input', { type: 'checkbox', id, value: ref, checked: chosen.has(ref), 'data-testid': testid }), h('label', { for: id }, label));
    };
    const name = h('input', { id: 'watch-group-name', required: true, maxlength: 120, value: g?.name || '', 'data-testid': 'watch-group-name' });
    const units = h('fieldset', { class: 'watch-pick' }, h('legend', {}, t('watch.pickUnits')),
      ...this.units.map((u) => box(`unit:${u.id}`, u.name, `watch-member-unit-${u.id}`)));
    const vehicles = h('fieldset', { class: 'watch-pick' }, h('legend', {}, t('watch.pickCameras')),
      ...this.vehicles.map((v) => h('div', { class: 'watch-pick-vehicle' }, box(`vehicle:${v.id}`, t('watch.memberVehicle', v.name), `watch-member-vehicle-${v.id}`),
        ...v.cameras.filter((c) => !c.id.startsWith('phone-')).map((c) => box(`camera:${v.id}/${c.id}`, c.name, `watch-member-camera-${v.id}-${c.id}`)))));
    this.editor.replaceChildren(h('h3', {}, g ? t('watch.editGroup', g.name) : t('watch.newGroup')),
      h('div', { class: 'field' }, h('label', { for: 'watch-group-name' }, t('watch.groupName')), name),
      units, vehicles,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'watch-group-save' }, t('common.save')),
        g ? h('button', { type: 'button', onclick: () => this.fillEditor(null) }, t('common.cancel')) : null));
  }

  async saveGroup() {
    const members = [...this.editor.querySelectorAll('input[type=checkbox]:checked')].map((/** @type {HTMLInputElement} */ el) => {
      const [kind, rest] = el.value.split(/:(.*)/s);
      if (kind === 'unit') return { kind, unit: rest };
      if (kind === 'vehicle') return { kind, vehicle: rest };
      const [vehicle, camera] = rest.split('/');
      return { kind, vehicle, camera };
    });
    const body = { unit: this.editing?.unit || this.unit(), name: field(this.editor, '#watch-group-name').value.trim(), members };
    try {
      if (this.editing) await api.put(`/api/v1/watch/groups/${encodeURIComponent(this.editing.id)}`, body);
      else await api.post('/api/v1/watch/groups', body);
      this.groupStatus.ok(t('watch.saved'));
      this.fillEditor(null);
      delete this.manual?.dataset.filled;
      this.reload();
    } catch (e) {
      this.groupStatus.fail(e);
    }
  }

  async deleteGroup(g) {
    if (!(await dialog({ title: t('watch.deleteGroup', g.name), ok: t('common.delete'), danger: true }))) return;
    try {
      await api.del(`/api/v1/watch/groups/${encodeURIComponent(g.id)}`);
      delete this.manual?.dataset.filled;
      this.reload();
    } catch (e) {
      this.groupStatus.fail(e);
    }
  }

  showAssignments(asg) {
    const key = JSON.stringify(asg);
    if (key === this.shownAsg) return;
    this.shownAsg = key;
    const rows = asg.assignments.map((a) => h('tr', { 'data-testid': `watch-asg-${a.officer}`, 'data-auto': String(a.auto) },
      h('td', {}, a.officer_name, h('div', { class: 'muted small' }, a.officer)),
      h('td', {}, a.group_names.join(', ')),
      h('td', { class: 'num' }, String(a.cameras)),
      h('td', {}, `${formatTime(a.from, true)} → ${formatTime(a.to, true)}`),
      h('td', {}, a.auto ? t('watch.autoMade') : t('watch.manualMade', a.by)),
      this.writer ? h('td', {}, h('button', { type: 'button', class: 'danger', 'data-testid': 'watch-asg-delete', onclick: () => this.unassign(a) }, t('common.delete'))) : null));
    this.asgList.replaceChildren(rows.length ? h('table', {},
      h('thead', {}, h('tr', {}, ...['watch.officer', 'watch.groups', 'watch.cameras', 'watch.period', 'watch.how'].map((k) => h('th', {}, t(k))), this.writer ? h('th', {}, '') : null)),
      h('tbody', {}, ...rows)) : h('p', { class: 'empty', 'data-testid': 'watch-no-assignments' }, t('watch.noAssignments')));
  }

  async auto() {
    this.asgStatus.loading();
    try {
      const res = await api.post('/api/v1/watch/assignments/auto', { unit: this.unit(), shift: this.shiftIn.value || currentShift() });
      this.asgStatus.ok(t('watch.autoDone', res.assignments.length, res.officers.join(', ')));
      this.reload();
      this.tour.load();
    } catch (e) {
      this.asgStatus.fail(e);
    }
  }

  // fillManual builds the form of an assignment by hand: an officer of the
  // unit (leaders and duty officers see the accounts), groups, and the whole
  // shift or a part of it.
  async fillManual() {
    this.manual.dataset.filled = '1';
    const users = await api.get('/api/v1/users').catch(() => []);
    const officers = users.filter((u) => !u.retired && (u.roles || []).some((r) => ['surveillance', 'duty', 'leader'].includes(r)));
    const officer = h('select', { id: 'watch-officer', required: true, 'data-testid': 'watch-officer' },
      ...officers.map((u) => h('option', { value: u.username }, `${u.name || u.username} (${u.username})`)));
    const groups = h('select', { id: 'watch-asg-groups', multiple: true, required: true, size: Math.min(5, Math.max(2, this.groups.length)), 'data-testid': 'watch-asg-groups' },
      ...this.groups.map((g) => h('option', { value: g.id }, g.name)));
    const from = h('input', { id: 'watch-asg-from', type: 'datetime-local', 'data-testid': 'watch-asg-from' });
    const to = h('input', { id: 'watch-asg-to', type: 'datetime-local', 'data-testid': 'watch-asg-to' });
    this.manual.replaceChildren(h('h3', { class: 'wide' }, t('watch.manual')),
      h('div', { class: 'field' }, h('label', { for: 'watch-officer' }, t('watch.officer')), officer),
      h('div', { class: 'field' }, h('label', { for: 'watch-asg-groups' }, t('watch.groups')), groups),
      h('div', { class: 'field' }, h('label', { for: 'watch-asg-from' }, t('watch.from')), from),
      h('div', { class: 'field' }, h('label', { for: 'watch-asg-to' }, t('watch.to')), to),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'watch-asg-save' }, t('watch.assign'))),
      h('p', { class: 'muted small wide' }, t('watch.manualHelp')));
  }

  async assign() {
    const f = this.manual;
    const vn = (v) => (v ? new Date(Date.parse(`${v}:00+07:00`)).toISOString() : '');
    const body = { unit: this.unit(), officer: field(f, '#watch-officer').value,
      groups: [.../** @type {HTMLSelectElement} */ (field(f, '#watch-asg-groups')).selectedOptions].map((o) => o.value) };
    const from = vn(field(f, '#watch-asg-from').value), to = vn(field(f, '#watch-asg-to').value);
    if (from || to) Object.assign(body, { from, to });
    else body.shift = this.shiftIn.value || currentShift();
    try {
      await api.post('/api/v1/watch/assignments', body);
      this.asgStatus.ok(t('watch.assigned'));
      this.reload();
    } catch (e) {
      this.asgStatus.show('bad', errorText(e));
    }
  }

  async unassign(a) {
    if (!(await dialog({ title: t('watch.unassign', a.officer_name), ok: t('common.delete'), danger: true }))) return;
    try {
      await api.del(`/api/v1/watch/assignments/${encodeURIComponent(a.id)}`);
      this.reload();
    } catch (e) {
      this.asgStatus.fail(e);
    }
  }
}
