// Units (administrator): the tree indented under its parents with each
// level's name and what belongs to the unit; create, rename, move, and
// delete an empty unit.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { Status, dialog, same, unitName, unitOptions, unitTree } from './ui.js';

const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class UnitsPanel {
  constructor(root) {
    this.units = [];
    this.editing = null; // the unit being edited, or null for a new one
    this.status = new Status('units-message');
    this.status.loading();
    this.tree = h('ul', { class: 'unit-tree', 'data-testid': 'units-tree' });
    this.idIn = h('input', { id: 'unit-id', required: true, autocomplete: 'off', spellcheck: false, pattern: ID_RE.source, 'aria-describedby': 'unit-id-help', 'data-testid': 'unit-id' });
    this.nameIn = h('input', { id: 'unit-name', required: true, autocomplete: 'off', maxlength: 200, 'data-testid': 'unit-name' });
    this.parentSel = h('select', { id: 'unit-parent', 'data-testid': 'unit-parent' });
    this.formTitle = h('h2', {});
    this.form = h('form', { class: 'panel editor', hidden: true, novalidate: true, 'data-testid': 'unit-form', onsubmit: (e) => this.save(e) },
      this.formTitle,
      h('div', { class: 'field' }, h('label', { for: 'unit-id' }, t('un.id')), this.idIn, h('p', { id: 'unit-id-help', class: 'muted small' }, t('un.idHelp'))),
      h('div', { class: 'field' }, h('label', { for: 'unit-name' }, t('un.name')), this.nameIn),
      h('div', { class: 'field' }, h('label', { for: 'unit-parent' }, t('un.parent')), this.parentSel),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', 'data-testid': 'unit-cancel', onclick: () => this.close() }, t('common.cancel')),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'unit-save' }, t('common.save'))));
    this.addBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'unit-add', onclick: () => this.open(null) }, t('un.add'));
    root.replaceChildren(h('div', { class: 'toolbar' }, h('h2', {}, t('un.title')), this.addBtn), this.status.el, this.form, this.tree);
  }

  async refresh() {
    const [units, users, vehicles] = await Promise.all([api.get('/api/v1/units'), api.get('/api/v1/users'), api.vehicles()]);
    this.units = units;
    if (this.status.el.dataset.kind === 'loading') this.status.clear();
    if (same(this, [units, users.filter((u) => !u.retired).map((u) => u.unit), vehicles.map((v) => v.unit)])) return;
    const count = (list, id) => list.filter((x) => x === id).length;
    const accounts = users.filter((u) => !u.retired).map((u) => u.unit);
    const cars = vehicles.map((v) => v.unit);
    const ordered = unitTree(units);
    if (!ordered.length) { this.tree.replaceChildren(h('li', { class: 'empty' }, t('un.none'))); return; }
    this.tree.replaceChildren(...ordered.map(({ unit: u, depth }) => {
      const kids = units.filter((x) => x.parent === u.id).length;
      return h('li', { class: 'unit-row', style: `--depth: ${depth}`, 'data-testid': `unit-${u.id}`, 'data-depth': depth },
        h('div', { class: 'unit-main' },
          h('span', { class: 'badge level' }, u.level || '—'), ' ', h('strong', {}, u.name), ' ', h('span', { class: 'muted small' }, u.id),
          h('div', { class: 'muted small' }, t('un.counts', kids, count(accounts, u.id), count(cars, u.id)))),
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', 'aria-label': t('un.editLabel', u.name), 'data-testid': `unit-edit-${u.id}`, onclick: () => this.open(u) }, t('common.edit')),
          h('button', { type: 'button', class: 'danger', 'aria-label': t('un.deleteLabel', u.name), 'data-testid': `unit-delete-${u.id}`, onclick: () => this.remove(u) }, t('common.delete'))));
    }));
  }

  fail(e) { this.status.fail(e); }

  // open shows the form for a new unit (u null) or to edit u.
  open(u) {
    this.editing = u;
    this.formTitle.textContent = u ? t('un.editTitle', u.name) : t('un.addTitle');
    this.idIn.value = u ? u.id : '';
    this.idIn.disabled = !!u;
    this.nameIn.value = u ? u.name : '';
    // A unit cannot move under itself or its own sub-units.
    const below = new Set(u ? [u.id] : []);
    for (const { unit } of unitTree(this.units)) if (below.has(unit.parent)) below.add(unit.id);
    this.parentSel.replaceChildren(...unitOptions(this.units, u ? u.parent : '', { none: t('un.noParent'), skip: (x) => below.has(x.id) }));
    this.form.hidden = false;
    this.addBtn.hidden = true;
    (u ? this.nameIn : this.idIn).focus();
  }

  close() {
    this.form.hidden = true;
    this.addBtn.hidden = false;
    this.editing = null;
  }

  async save(e) {
    e.preventDefault();
    const id = this.idIn.value.trim();
    const name = this.nameIn.value.trim();
    if (!this.editing && !ID_RE.test(id)) { this.status.show('bad', t('un.badId')); this.idIn.focus(); return; }
    if (!name) { this.status.show('bad', t('un.needName')); this.nameIn.focus(); return; }
    try {
      if (this.editing) await api.put(`/api/v1/units/${encodeURIComponent(this.editing.id)}`, { name, parent: this.parentSel.value });
      else await api.post('/api/v1/units', { id, name, parent: this.parentSel.value });
    } catch (err) {
      this.status.fail(err);
      return;
    }
    this.status.ok(t('un.saved', name));
    this.close();
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }

  async remove(u) {
    if (!await dialog({ title: t('un.deleteTitle'), body: t('un.deleteConfirm', u.name, unitName(this.units, u.parent)), ok: t('common.delete'), danger: true })) return;
    try {
      await api.del(`/api/v1/units/${encodeURIComponent(u.id)}`);
    } catch (err) {
      if (err instanceof APIError && err.code === 'conflict') this.status.show('bad', t('un.inUse', u.name));
      else this.status.fail(err);
      return;
    }
    this.status.ok(t('un.deleted', u.name));
    this.shown = null;
    await this.refresh().catch((x) => this.fail(x));
  }
}
