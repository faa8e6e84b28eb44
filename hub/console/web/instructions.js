// Instructions to vehicles: leaders and duty officers compose one for
// chosen vehicles or a whole unit; everyone sees each vehicle's state
// (sent, delivered, read, acknowledged by whom and when), overdue ones in
// red and urgent ones marked. Refreshed with the console (every 2 s).
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, hasRole, isZero, randomID, same, unitName, unitOptions } from './ui.js';

// Recipient states of the API, and how the console names them.
export const STATE = { sent: 'ins.sent', delivered: 'ins.delivered', read: 'ins.read', acknowledged: 'ins.acknowledged' };

const FILTERS = { all: 'ins.filterAll', open: 'ins.filterOpen', overdue: 'ins.filterOverdue', urgent: 'ins.filterUrgent' };
const MAX_TEXT = 2000;

const when = (iso) => (isZero(iso) ? '' : formatTime(iso, true));

export class InstructionsView {
  constructor(root, { me }) {
    this.root = root;
    this.me = me;
    /** @type {unknown} the units the picker shows */
    this.unitsShown = null;
    this.canSend = hasRole(me, 'leader', 'duty');
    this.vehicles = [];
    this.units = [];
    this.list = null; // null until the first answer
    this.picked = new Set();
    this.boxes = new Map(); // vehicle id -> {row, input, state}
    this.clientID = randomID(); // one per composed instruction, reused on retry
    this.listBox = h('div', { class: 'ins-list', 'data-testid': 'ins-list', 'aria-live': 'polite' });
    this.status = new Status('ins-status');
    this.status.loading();
    this.filter = h('select', { id: 'ins-filter', 'data-testid': 'ins-filter', onchange: () => { this.shown = null; this.render(); } },
      Object.entries(FILTERS).map(([v, k]) => h('option', { value: v }, t(k))));
    root.replaceChildren(h('section', { class: 'page instructions' },
      h('h1', {}, t('ins.title')),
      h('div', { class: 'ins-layout' },
        this.canSend ? this.composer() : h('p', { class: 'muted', 'data-testid': 'ins-readonly' }, t('ins.readOnly')),
        h('div', {},
          h('div', { class: 'toolbar' }, h('h2', {}, t('ins.sentList')), h('label', { for: 'ins-filter' }, t('ins.filter')), this.filter),
          this.status.el, this.listBox))));
  }

  composer() {
    this.text = h('textarea', { id: 'ins-text', rows: 4, maxlength: MAX_TEXT, required: true, 'data-testid': 'ins-text' });
    this.urgent = h('input', { id: 'ins-urgent', type: 'checkbox', 'data-testid': 'ins-urgent' });
    this.modeVehicles = h('input', { id: 'ins-mode-vehicles', type: 'radio', name: 'ins-mode', value: 'vehicles', checked: true, 'data-testid': 'ins-mode-vehicles', onchange: () => this.mode() });
    this.modeUnit = h('input', { id: 'ins-mode-unit', type: 'radio', name: 'ins-mode', value: 'unit', 'data-testid': 'ins-mode-unit', onchange: () => this.mode() });
    this.vehicleBox = h('div', { class: 'ins-vehicles', role: 'group', 'aria-label': t('ins.vehicles'), 'data-testid': 'ins-vehicles' }, h('p', { class: 'muted' }, t('common.loading')));
    this.unitSel = h('select', { id: 'ins-unit', 'data-testid': 'ins-unit' });
    this.unitBox = h('div', { class: 'field', hidden: true }, h('label', { for: 'ins-unit' }, t('ins.unit')), this.unitSel);
    this.sendBtn = h('button', { type: 'submit', class: 'primary big', 'data-testid': 'ins-send' }, t('ins.send'));
    this.msg = new Status('ins-message');
    return h('form', { class: 'panel ins-compose', 'data-testid': 'ins-compose', novalidate: true, onsubmit: (e) => this.send(e) },
      h('h2', {}, t('ins.compose')),
      h('label', { for: 'ins-text' }, t('ins.text')), this.text,
      h('div', { class: 'check' }, this.urgent, h('label', { for: 'ins-urgent' }, t('ins.urgent'))),
      h('fieldset', {}, h('legend', {}, t('ins.to')),
        h('div', { class: 'check' }, this.modeVehicles, h('label', { for: 'ins-mode-vehicles' }, t('ins.toVehicles'))),
        h('div', { class: 'check' }, this.modeUnit, h('label', { for: 'ins-mode-unit' }, t('ins.toUnit'))),
        this.vehicleBox, this.unitBox),
      h('div', { class: 'form-actions' }, this.sendBtn), this.msg.el);
  }

  mode() {
    const unit = this.modeUnit.checked;
    this.vehicleBox.hidden = unit;
    this.unitBox.hidden = !unit;
  }

  // refresh reads the instructions, and the vehicles and units to address.
  async refresh() {
    const [list, vehicles, units] = await Promise.all([api.get('/api/v1/instructions'), api.vehicles(), api.get('/api/v1/units')]);
    this.vehicles = vehicles;
    this.units = units;
    this.list = list;
    if (this.canSend) this.fillRecipients();
    if (this.status.el.dataset.kind !== 'ok') this.status.clear();
    this.render();
  }

  fail(e) {
    this.status.fail(e);
  }

  // fillRecipients keeps one checkbox per vehicle, so that ticks and the
  // keyboard focus survive refreshes.
  fillRecipients() {
    if (!this.vehicles.length) {
      this.vehicleBox.replaceChildren(h('p', { class: 'muted' }, t('v.none')));
      this.boxes.clear();
    }
    const seen = new Set();
    for (const v of [...this.vehicles].sort((a, b) => a.id.localeCompare(b.id))) {
      seen.add(v.id);
      let b = this.boxes.get(v.id);
      if (!b) {
        if (!this.boxes.size) this.vehicleBox.replaceChildren();
        const input = h('input', { type: 'checkbox', id: `ins-v-${v.id}`, value: v.id, 'data-testid': `ins-vehicle-${v.id}`,
          onchange: () => { if (input.checked) this.picked.add(v.id); else this.picked.delete(v.id); } });
        const state = h('span', { class: 'badge' });
        b = { row: h('div', { class: 'check' }, input, h('label', { for: `ins-v-${v.id}` }, `${v.name} (${v.id})`), ' ', state), input, state };
        this.boxes.set(v.id, b);
        this.vehicleBox.append(b.row);
      }
      b.input.checked = this.picked.has(v.id);
      b.state.className = `badge ${v.online ? 'on' : 'off'}`;
      b.state.textContent = v.online ? t('v.online') : t('v.offline');
    }
    for (const [id, b] of this.boxes) if (!seen.has(id)) { b.row.remove(); this.boxes.delete(id); this.picked.delete(id); }
    if (!same(this.unitsShown ??= {}, this.units)) {
      const keep = this.unitSel.value || this.me?.unit;
      this.unitSel.replaceChildren(...unitOptions(this.units, keep));
    }
  }

  async send(e) {
    e.preventDefault();
    const text = this.text.value.trim();
    const body = { text, urgent: this.urgent.checked, client_id: this.clientID };
    if (this.modeUnit.checked) body.unit = this.unitSel.value;
    else body.vehicles = [...this.picked];
    if (!text) { this.msg.show('bad', t('ins.needText')); this.text.focus(); return; }
    if (this.modeUnit.checked ? !body.unit : !body.vehicles.length) { this.msg.show('bad', t('ins.needTo')); return; }
    this.sendBtn.disabled = true;
    this.msg.show('loading', t('ins.sending'));
    try {
      const sent = await api.post('/api/v1/instructions', body);
      this.clientID = randomID();
      this.text.value = '';
      this.urgent.checked = false;
      this.picked.clear();
      for (const b of this.boxes.values()) b.input.checked = false;
      this.sendBtn.textContent = t('ins.send');
      this.msg.ok(t('ins.sentOK', (sent.to || []).length));
      this.refresh().catch(() => {});
    } catch (err) {
      if (err instanceof APIError) this.msg.fail(err);
      else {
        // The hub may have it: the same client id makes a retry send once.
        this.msg.show('bad', t('ins.retry'));
        this.sendBtn.textContent = t('ins.resend');
      }
    } finally {
      this.sendBtn.disabled = false;
    }
  }

  vehicleName(id) {
    const v = this.vehicles.find((x) => x.id === id);
    return v ? v.name : id;
  }

  render() {
    if (!this.list) return;
    const f = this.filter.value;
    const open = (i) => (i.to || []).some((r) => r.state !== 'acknowledged');
    const list = this.list.filter((i) => f === 'all' || (f === 'open' && open(i)) || (f === 'overdue' && i.overdue) || (f === 'urgent' && i.urgent));
    if (same(this, [f, list, this.vehicles.map((v) => [v.id, v.name]), this.units])) return;
    if (!list.length) {
      this.listBox.replaceChildren(h('p', { class: 'empty', 'data-testid': 'ins-empty' }, t(this.list.length ? 'ins.noneFiltered' : 'ins.none')));
      return;
    }
    this.listBox.replaceChildren(...list.map((i) => this.card(i)));
  }

  card(i) {
    const to = i.to || [];
    const acked = to.filter((r) => r.state === 'acknowledged').length;
    return h('article', { class: `ins-card${i.urgent ? ' urgent' : ''}${i.overdue ? ' overdue' : ''}`, 'data-testid': `ins-${i.id}`,
      'data-id': i.id, 'data-urgent': String(!!i.urgent), 'data-overdue': String(!!i.overdue) },
    h('header', { class: 'ins-head' },
      h('div', {},
        i.urgent ? h('span', { class: 'badge urgent', 'data-testid': `ins-urgent-${i.id}` }, t('ins.urgentBadge')) : null,
        i.overdue ? h('span', { class: 'badge overdue', 'data-testid': `ins-overdue-${i.id}` }, t('ins.overdue')) : null,
        h('strong', {}, i.from_name || i.from), h('span', { class: 'muted' }, ` · ${unitName(this.units, i.from_unit)}`)),
      h('div', { class: 'muted small' }, t('ins.created', when(i.created)), isZero(i.due) ? null : h('span', { class: i.overdue ? 'bad' : '' }, ` · ${t('ins.due', when(i.due))}`))),
    h('p', { class: 'ins-text' }, i.text),
    h('div', { class: 'ins-progress muted small' }, t('ins.progress', acked, to.length)),
    h('ul', { class: 'chips', 'aria-label': t('ins.recipients') }, to.map((r) => this.chip(i, r))),
    isZero(i.escalated) ? null : h('p', { class: 'ins-escalated', 'data-testid': `ins-escalated-${i.id}` }, t('ins.escalated', when(i.escalated), (i.escalated_to || []).join(', '))));
  }

  chip(i, r) {
    const late = i.overdue && r.state !== 'acknowledged';
    const at = { sent: r.sent, delivered: r.delivered, read: r.read, acknowledged: r.acknowledged }[r.state];
    const detail = r.state === 'acknowledged' ? t('ins.ackedBy', r.acked_by || '—', when(r.acknowledged)) : when(at);
    const history = [['ins.sent', r.sent], ['ins.delivered', r.delivered], ['ins.read', r.read], ['ins.acknowledged', r.acknowledged]]
      .filter(([, x]) => !isZero(x)).map(([k, x]) => `${t(k)}: ${when(x)}`).join('\n');
    return h('li', { class: `chip st-${r.state}${late ? ' late' : ''}`, title: history, 'data-testid': `ins-${i.id}-${r.vehicle}`, 'data-state': r.state },
      h('strong', {}, this.vehicleName(r.vehicle)), ' ',
      h('span', { class: 'chip-state', 'data-testid': `ins-state-${i.id}-${r.vehicle}` }, STATE[r.state] ? t(STATE[r.state]) : r.state),
      detail ? h('span', { class: 'chip-when' }, detail) : null,
      late ? h('span', { class: 'chip-late' }, t('ins.overdue')) : null);
  }

  update() {}
  destroy() {}
}
