// Leave and unavailability (phép, ốm, công tác, khác) of a unit's
// officers: the list, an entry form (leaders and duty officers for their
// unit's officers; everyone else for himself) and removal. Generated
// rosters keep officers on leave off duty.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { Status, hasRole, same, unitName } from './ui.js';

// Kinds of leave of the API (Vietnamese words), and how the console names them.
export const LEAVE_KIND = { 'phép': 'lv.leave', 'ốm': 'lv.sick', 'công tác': 'lv.mission', 'khác': 'lv.other' };

const dmy = (d) => d.split('-').reverse().join('/');

export class LeavePanel {
  constructor({ me }) {
    this.me = me;
    this.units = [];
    this.manager = hasRole(me, 'leader', 'duty');
    this.may = hasRole(me, 'leader', 'duty', 'surveillance');
    this.users = null;
    this.status = new Status('lv-status');
    this.list = h('div', { class: 'table-wrap', 'data-testid': 'lv-list' });
    this.officer = h('select', { id: 'lv-officer', 'data-testid': 'lv-officer' }, h('option', { value: '' }, t('lv.myself')));
    this.from = h('input', { id: 'lv-from', type: 'date', required: true, 'data-testid': 'lv-from' });
    this.to = h('input', { id: 'lv-to', type: 'date', required: true, 'data-testid': 'lv-to' });
    this.kind = h('select', { id: 'lv-kind', 'data-testid': 'lv-kind' }, Object.entries(LEAVE_KIND).map(([k, key]) => h('option', { value: k }, t(key))));
    this.note = h('input', { id: 'lv-note', maxlength: 500, 'data-testid': 'lv-note' });
    const form = this.may ? h('form', { class: 'filters', 'data-testid': 'lv-form', onsubmit: (e) => { e.preventDefault(); this.add(); } },
      this.manager ? h('div', { class: 'field' }, h('label', { for: 'lv-officer' }, t('lv.officer')), this.officer) : null,
      h('div', { class: 'field' }, h('label', { for: 'lv-from' }, t('lv.from')), this.from),
      h('div', { class: 'field' }, h('label', { for: 'lv-to' }, t('lv.to')), this.to),
      h('div', { class: 'field' }, h('label', { for: 'lv-kind' }, t('lv.kind')), this.kind),
      h('div', { class: 'field grow' }, h('label', { for: 'lv-note' }, t('lv.note')), this.note),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'lv-add' }, t('lv.add')))) : null;
    this.el = h('section', { class: 'card', 'aria-labelledby': 'lv-title', 'data-testid': 'leave' },
      h('h2', { id: 'lv-title' }, t('lv.title')), h('p', { class: 'muted small' }, t('lv.help')), form, this.status.el, this.list);
  }

  setUnits(units) { this.units = units; }

  async refresh(unit) {
    this.unit = unit;
    if (this.manager && this.users === null) {
      this.users = await api.get('/api/v1/users').catch(() => []);
      this.officer.append(...this.users.filter((u) => !u.retired && u.username !== this.me.username)
        .map((u) => h('option', { value: u.username }, `${u.name || u.username} (${unitName(this.units, u.unit)})`)));
    }
    const list = await api.get(`/api/v1/leave?unit=${encodeURIComponent(unit)}`);
    if (same(this, list)) return;
    this.list.replaceChildren(list.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['lv.officer', 'lv.period', 'lv.kind', 'lv.note', 'lv.enteredBy', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, list.map((l) => h('tr', { 'data-testid': 'lv-row', 'data-officer': l.officer },
        h('td', {}, l.officer_name || l.officer), h('td', {}, `${dmy(l.from)} – ${dmy(l.to)}`), h('td', {}, LEAVE_KIND[l.kind] ? t(LEAVE_KIND[l.kind]) : l.kind),
        h('td', { class: 'small' }, l.note || ''), h('td', { class: 'muted small' }, l.entered_by),
        h('td', {}, this.manager || l.officer === this.me.username ? h('button', { type: 'button', class: 'small', 'data-testid': 'lv-remove',
          'aria-label': t('lv.removeLabel', l.officer_name || l.officer), onclick: () => this.remove(l) }, t('lv.remove')) : null))))) :
      h('p', { class: 'empty' }, t('lv.none')));
  }

  async add() {
    try {
      await api.post('/api/v1/leave', { officer: this.officer.value, from: this.from.value, to: this.to.value, kind: this.kind.value, note: this.note.value.trim() });
      this.status.ok(t('lv.added'));
      this.note.value = '';
      this.shown = null;
      await this.refresh(this.unit);
    } catch (e) { this.status.fail(e); }
  }

  async remove(l) {
    try {
      await api.del(`/api/v1/leave/${encodeURIComponent(l.id)}`);
      this.status.ok(t('lv.removed'));
      this.shown = null;
      await this.refresh(this.unit);
    } catch (e) { this.status.fail(e); }
  }
}
