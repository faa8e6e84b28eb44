// Random-sample checks of continuous surveillance: import a list (CSV,
// UTF-8 with a header; declarations or vehicles) for the unit and day, a
// share drawn at random (the seed shown, so the draw can be repeated), the
// drawn items as tasks of the officers on duty; an officer closes a task
// with its result (no finding, or suspicious with a note).
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, hasRole, dialog } from './ui.js';

const RESULT = { no_finding: 'samples.noFinding', suspicious: 'samples.suspicious' };

export class SamplesPanel {
  constructor(me, unit, day) {
    this.me = me;
    this.unit = unit;
    this.day = day;
    this.status = new Status('samples-status');
    this.lists = h('div', { class: 'samples-lists', 'data-testid': 'samples-lists' });
    this.file = h('input', { id: 'samples-file', type: 'file', accept: '.csv,text/csv', required: true, 'data-testid': 'samples-file' });
    this.kind = h('select', { id: 'samples-kind', 'data-testid': 'samples-kind' },
      h('option', { value: 'declaration' }, t('samples.declaration')), h('option', { value: 'vehicle' }, t('samples.vehicle')));
    this.share = h('input', { id: 'samples-share', type: 'number', min: 0.1, max: 100, step: 0.1, value: 5, required: true, 'data-testid': 'samples-share' });
    this.name = h('input', { id: 'samples-name', maxlength: 200, 'data-testid': 'samples-name' });
    const canImport = hasRole(me, 'leader', 'duty', 'surveillance');
    this.el = h('div', {},
      canImport ? h('form', { class: 'filters', 'data-testid': 'samples-form', onsubmit: (e) => { e.preventDefault(); this.upload(); } },
        h('div', { class: 'field' }, h('label', { for: 'samples-file' }, t('samples.file')), this.file),
        h('div', { class: 'field' }, h('label', { for: 'samples-kind' }, t('samples.kind')), this.kind),
        h('div', { class: 'field' }, h('label', { for: 'samples-share' }, t('samples.share')), this.share),
        h('div', { class: 'field' }, h('label', { for: 'samples-name' }, t('samples.name')), this.name),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'samples-import' }, t('samples.import'))),
        h('p', { class: 'muted small wide' }, t('samples.help'))) : null,
      this.status.el, this.lists);
  }

  async upload() {
    const f = this.file.files[0];
    if (!f) return;
    const q = new URLSearchParams({ unit: this.unit(), kind: this.kind.value, share: this.share.value, day: this.day() });
    if (this.name.value.trim()) q.set('name', this.name.value.trim());
    this.status.loading();
    try {
      const l = await api.upload(`/api/v1/samples?${q}`, f, 'text/csv');
      this.status.ok(t('samples.imported', l.items, l.tasks.length, l.seed, l.bad_rows));
      this.file.value = '';
      this.shown = null;
      await this.refresh();
    } catch (e) {
      this.status.fail(e);
    }
  }

  async refresh() {
    const lists = await api.get(`/api/v1/samples?unit=${encodeURIComponent(this.unit())}&day=${encodeURIComponent(this.day())}`);
    const key = JSON.stringify(lists);
    if (key === this.shown) return;
    this.shown = key;
    this.lists.replaceChildren(...(lists.length ? lists.map((l) => this.listView(l)) : [h('p', { class: 'empty' }, t('samples.none'))]));
  }

  listView(l) {
    const open = l.tasks.filter((x) => !x.result).length;
    const errors = l.bad_rows ? h('details', { 'data-testid': 'samples-errors' }, h('summary', {}, t('samples.badRows', l.bad_rows)),
      h('ul', {}, ...l.errors.map((e) => h('li', {}, t('samples.lineError', e.line, e.reason))))) : null;
    const rows = l.tasks.map((x) => h('tr', { 'data-testid': `samples-task-${l.id}-${x.n}`, 'data-result': x.result || '' },
      h('td', { class: 'num' }, String(x.n)), h('td', { class: 'num' }, String(x.line)),
      h('td', {}, x.fields.map((f, i) => (f ? `${l.header[i]}: ${f}` : '')).filter(Boolean).join(' · ')),
      h('td', {}, x.officer),
      h('td', {}, x.result ? [t(RESULT[x.result] || x.result), x.note ? h('div', { class: 'muted small' }, x.note) : null,
        h('div', { class: 'muted small' }, `${x.done_by} · ${formatTime(x.done, true)}`)] : this.actions(l, x))));
    return h('article', { class: 'samples-list', 'data-testid': `samples-list-${l.id}` },
      h('h3', {}, `${l.name || t(l.kind === 'vehicle' ? 'samples.vehicle' : 'samples.declaration')} — ${l.day}`),
      h('p', { class: 'muted small' }, t('samples.drawn', l.tasks.length, l.items, l.share, l.seed, open, formatTime(l.created, true), l.by)),
      errors,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ...['samples.n', 'samples.line', 'samples.item', 'samples.officer', 'samples.result'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...rows))));
  }

  actions(l, x) {
    const mine = x.officer === this.me.username || hasRole(this.me, 'duty');
    if (!mine || !hasRole(this.me, 'duty', 'surveillance')) return h('span', { class: 'muted' }, t('samples.open'));
    return h('span', { class: 'actions' },
      h('button', { type: 'button', 'data-testid': 'samples-ok', onclick: () => this.finish(l, x, 'no_finding') }, t('samples.noFinding')),
      h('button', { type: 'button', class: 'danger', 'data-testid': 'samples-suspicious', onclick: () => this.finish(l, x, 'suspicious') }, t('samples.suspicious')));
  }

  async finish(l, x, result) {
    const note = await dialog({ title: t('samples.closeTask', x.n, x.fields[0]), ok: t(RESULT[result]),
      input: { label: t('samples.note'), required: result === 'suspicious' } });
    if (note === null) return;
    try {
      await api.post(`/api/v1/samples/${encodeURIComponent(l.id)}/tasks/${x.n}/done`, { result, note });
      this.shown = null;
      await this.refresh();
    } catch (e) {
      this.status.fail(e);
    }
  }
}
