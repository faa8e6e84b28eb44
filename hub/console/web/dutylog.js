// The duty log (sổ trực ban) of a unit's 08:00–08:00 shift: writing entries
// (event, equipment, incident, instruction, action; an entry may stay open
// and carry over), closing open items, the handover (the outgoing officer's
// summary with the open items; the incoming officer accepts), the handover
// history and the daily duty report with its PDF and XLSX downloads.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime, formatHM } from './i18n.js';
import { Status, hasRole, isZero, same, unitOptions } from './ui.js';

// Entry kinds of the API, and how the console names them.
export const ENTRY_KIND = { event: 'dl.event', equipment: 'dl.equipment', incident: 'dl.incident', instruction: 'dl.instruction', action: 'dl.action' };

// currentShift is the duty day now: it starts at 08:00 Vietnam time.
export function currentShift(now = Date.now()) {
  return new Date(now + 7 * 3600e3 - 8 * 3600e3).toISOString().slice(0, 10);
}
const kindText = (k) => (ENTRY_KIND[k] ? t(ENTRY_KIND[k]) : k);
const when = (iso) => (isZero(iso) ? '—' : formatTime(iso, true));

export class DutyLogView {
  constructor(root, { me, params }) {
    this.every = 3000;
    this.me = me;
    this.unit = params.get('unit') || me.unit;
    this.shift = params.get('shift') || currentShift();
    this.writer = hasRole(me, 'leader', 'duty', 'surveillance');
    this.status = new Status('dl-status');
    this.status.loading();
    this.unitSel = h('select', { id: 'dl-unit', 'data-testid': 'dl-unit', onchange: () => this.go() });
    this.shiftIn = h('input', { id: 'dl-shift', type: 'date', value: this.shift, 'data-testid': 'dl-shift', onchange: () => this.go() });
    this.entries = h('div', { class: 'table-wrap', 'data-testid': 'dl-entries' });
    this.open = h('div', { 'data-testid': 'dl-open-items' });
    this.handover = h('div', { 'data-testid': 'ho-panel' });
    this.history = h('div', { class: 'table-wrap', 'data-testid': 'ho-history' });
    this.report = h('div', { 'data-testid': 'dl-report' });
    this.entryStatus = new Status('dl-entry-status');
    this.hoStatus = new Status('ho-status');
    root.replaceChildren(h('section', { class: 'page dutylog', 'data-testid': 'dutylog' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('dl.title')),
        h('label', { for: 'dl-unit' }, t('dl.unit')), this.unitSel, h('label', { for: 'dl-shift' }, t('dl.shift')), this.shiftIn),
      h('p', { class: 'muted' }, t('dl.help')), this.status.el,
      h('div', { class: 'dl-grid' },
        h('div', {}, this.writer ? this.entryForm() : null,
          h('h2', {}, t('dl.entries')), this.entries, h('h2', {}, t('dl.openTitle')), this.open),
        h('div', {}, h('h2', {}, t('ho.title')), this.hoStatus.el, this.handover,
          h('h2', {}, t('dl.reportTitle')), this.report, h('h2', {}, t('ho.history')), this.history))));
  }

  go() {
    this.unit = this.unitSel.value || this.unit;
    this.shift = this.shiftIn.value || currentShift();
    history.replaceState(null, '', `#/dutylog?unit=${encodeURIComponent(this.unit)}&shift=${this.shift}`);
    this.shown = this.shownHo = this.shownRep = null;
    this.refresh().catch((e) => this.status.fail(e));
  }

  // mine: writing and handing over are for one's own unit's current shift.
  mine() { return this.unit === this.me.unit && this.shift === currentShift(); }

  entryForm() {
    this.kind = h('select', { id: 'dl-kind', 'data-testid': 'dl-kind' }, Object.entries(ENTRY_KIND).map(([k, key]) => h('option', { value: k }, t(key))));
    this.text = h('textarea', { id: 'dl-text', rows: 3, required: true, maxlength: 4000, 'data-testid': 'dl-text' });
    this.openBox = h('input', { id: 'dl-open', type: 'checkbox', 'data-testid': 'dl-open' });
    this.form = h('form', { class: 'card', 'data-testid': 'dl-form', onsubmit: (e) => { e.preventDefault(); this.add(); } },
      h('h2', {}, t('dl.write')),
      h('div', { class: 'field' }, h('label', { for: 'dl-kind' }, t('dl.kind')), this.kind),
      h('div', { class: 'field' }, h('label', { for: 'dl-text' }, t('dl.text')), this.text),
      h('div', { class: 'check' }, this.openBox, h('label', { for: 'dl-open' }, t('dl.openItem'))),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'dl-add' }, t('dl.add'))), this.entryStatus.el);
    return this.form;
  }

  async add() {
    try {
      await api.post('/api/v1/dutylog', { kind: this.kind.value, text: this.text.value.trim(), open: this.openBox.checked });
      this.text.value = '';
      this.openBox.checked = false;
      this.entryStatus.ok(t('dl.added'));
      await this.refresh();
    } catch (e) { this.entryStatus.fail(e); }
  }

  async close(e) {
    try {
      await api.post(`/api/v1/dutylog/${encodeURIComponent(e.unit)}/${encodeURIComponent(e.id)}/close`, {});
      await this.refresh();
    } catch (err) { this.status.fail(err); }
  }

  async refresh() {
    if (!this.units) {
      this.units = await api.get('/api/v1/units').catch(() => []);
      this.unitSel.replaceChildren(...unitOptions(this.units, this.unit));
    }
    const q = `unit=${encodeURIComponent(this.unit)}&shift=${this.shift}`;
    const [log, hos, rep] = await Promise.all([api.get(`/api/v1/dutylog?${q}`), api.get(`/api/v1/handovers?unit=${encodeURIComponent(this.unit)}`),
      api.get(`/api/v1/dutylog/report?${q}`)]);
    if (this.form) this.form.hidden = !this.mine();
    if (!same(this, log)) this.renderLog(log);
    const hoKey = JSON.stringify([hos, log.open]);
    if (hoKey !== this.shownHo) { this.shownHo = hoKey; this.renderHandover(hos, log.open); }
    if (JSON.stringify(rep) !== this.shownRep) { this.shownRep = JSON.stringify(rep); this.renderReport(rep); }
    this.status.clear();
  }

  renderLog(log) {
    const closeBtn = (e) => (e.open && this.writer ? h('button', { type: 'button', class: 'small', 'data-testid': 'dl-close', onclick: () => this.close(e) }, t('dl.close')) : null);
    this.entries.replaceChildren(log.entries.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['dl.time', 'dl.kind', 'dl.text', 'dl.by', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, log.entries.map((e) => h('tr', { 'data-testid': 'dl-entry', 'data-open': String(e.open), class: e.open ? 'open-item' : '' },
        h('td', {}, formatHM(e.time)), h('td', {}, kindText(e.kind)), h('td', { class: 'pre' }, e.text), h('td', {}, e.by_name),
        h('td', {}, e.open ? [h('span', { class: 'badge warn' }, t('dl.isOpen')), ' ', closeBtn(e)] : !isZero(e.closed) ? h('span', { class: 'muted small' }, t('dl.closedAt', formatHM(e.closed))) : null))))) :
      h('p', { class: 'empty' }, t('dl.noEntries')));
    this.open.replaceChildren(log.open.length ? h('ul', { class: 'dl-open' }, log.open.map((e) => h('li', { 'data-testid': 'dl-open-item' },
      h('span', { class: 'muted small' }, `${when(e.time)} · ${kindText(e.kind)} · ${e.by_name}`), h('div', {}, e.text), closeBtn(e)))) :
      h('p', { class: 'empty' }, t('dl.noOpen')));
  }

  renderHandover(hos, open) {
    const pending = hos.find((x) => isZero(x.accepted));
    if ((pending?.id ?? '') !== this.pendingID) { if (this.pendingID !== undefined) this.hoStatus.clear(); this.pendingID = pending?.id ?? ''; }
    const items = (list) => (list.length ? h('ul', { class: 'dl-open' }, list.map((e) => h('li', { 'data-testid': 'ho-open-item' }, `${kindText(e.kind)}: ${e.text}`))) :
      h('p', { class: 'muted small' }, t('ho.noOpen')));
    let body;
    if (pending) {
      const mineOut = pending.from === this.me.username;
      const note = h('input', { id: 'ho-note', maxlength: 4000, 'data-testid': 'ho-note' });
      body = h('div', { class: 'card ho-pending', 'data-testid': 'ho-pending', 'data-id': pending.id },
        h('p', {}, h('b', {}, t('ho.pendingFrom', pending.from_name)), ' ', h('span', { class: 'muted small' }, when(pending.created))),
        h('p', { class: 'pre', 'data-testid': 'ho-summary-text' }, pending.summary), h('h3', {}, t('ho.openItems', pending.open_items.length)), items(pending.open_items),
        mineOut ? h('p', { class: 'badge warn', 'data-testid': 'ho-waiting' }, t('ho.waiting')) : this.writer && pending.unit === this.me.unit ? h('form', { class: 'filters', onsubmit: async (e) => {
          e.preventDefault();
          try {
            await api.post(`/api/v1/handovers/${encodeURIComponent(pending.unit)}/${encodeURIComponent(pending.id)}/accept`, { note: note.value.trim() });
            this.hoStatus.ok(t('ho.accepted'));
            await this.refresh();
          } catch (err) { this.hoStatus.fail(err); }
        } }, h('div', { class: 'field grow' }, h('label', { for: 'ho-note' }, t('ho.note')), note),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'ho-accept' }, t('ho.accept')))) : null);
    } else if (this.writer && this.unit === this.me.unit) {
      const summary = h('textarea', { id: 'ho-summary', rows: 3, required: true, maxlength: 4000, 'data-testid': 'ho-summary' });
      body = h('form', { class: 'card', 'data-testid': 'ho-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api.post('/api/v1/handovers', { summary: summary.value.trim() });
          this.hoStatus.ok(t('ho.begun'));
          await this.refresh();
        } catch (err) { this.hoStatus.fail(err); }
      } },
      h('div', { class: 'field' }, h('label', { for: 'ho-summary' }, t('ho.summary')), summary),
      h('h3', {}, t('ho.carried', open.length)), items(open),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'ho-submit' }, t('ho.handOver'))));
    } else body = h('p', { class: 'empty' }, t('ho.none'));
    this.handover.replaceChildren(body);
    const last = hos.find((x) => !isZero(x.accepted));
    this.history.replaceChildren(hos.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['ho.when', 'ho.from', 'ho.to', 'ho.summary', 'ho.state'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, hos.map((x) => h('tr', { 'data-testid': 'ho-row', 'data-id': x.id, 'data-state': isZero(x.accepted) ? 'pending' : 'accepted' },
        h('td', {}, when(x.created)), h('td', {}, x.from_name), h('td', {}, x.to_name || '—'), h('td', { class: 'pre small' }, x.summary, x.note ? `\n${t('ho.noteShown', x.note)}` : ''),
        h('td', {}, isZero(x.accepted) ? h('span', { class: 'badge warn' }, t('ho.pending')) :
          h('span', { class: 'badge on', 'data-testid': x === last ? 'ho-last-accepted' : null }, t('ho.acceptedAt', formatHM(x.accepted)))))))) :
      h('p', { class: 'empty' }, t('ho.noHistory')));
  }

  renderReport(rep) {
    const q = `unit=${encodeURIComponent(rep.unit)}&shift=${rep.shift}`;
    this.report.replaceChildren(h('div', { class: 'card' },
      h('p', { class: 'muted small' }, t('dl.reportSpan', when(rep.from), when(rep.to))),
      h('ul', { class: 'dl-counts' }, Object.entries(ENTRY_KIND).map(([k, key]) => h('li', {}, `${t(key)}: `, h('b', {}, rep.counts[k] || 0))),
        h('li', {}, `${t('dl.openTitle')}: `, h('b', {}, rep.open.length)), h('li', {}, `${t('ho.title')}: `, h('b', {}, rep.handovers.length))),
      h('div', { class: 'form-actions' },
        h('a', { class: 'button', href: `/api/v1/dutylog/report?${q}&format=pdf`, download: '', 'data-testid': 'dl-pdf' }, t('dl.pdf')),
        h('a', { class: 'button', href: `/api/v1/dutylog/report?${q}&format=xlsx`, download: '', 'data-testid': 'dl-xlsx' }, t('dl.xlsx')))));
  }

  fail(e) { this.status.fail(e); }
}
