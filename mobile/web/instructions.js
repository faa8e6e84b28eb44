// Instructions to the crew's vehicles, newest first. Those some vehicle
// of the crew has not acknowledged come first and big, urgent ones in
// red and on top, overdue ones flagged; each vehicle the crew answers for has its
// own "Đã nhận lệnh" button. Opening an instruction sends "read". Both
// receipts go through the outbox, so they are kept without a network.
import { h, isSet, keyed } from './core/dom.js';
import { formatTime, t } from './i18n.js';

const STATE = { sent: 'st.sent', delivered: 'st.delivered', read: 'st.read', acknowledged: 'st.acknowledged' };
const RANK = { sent: 0, delivered: 1, read: 2, acknowledged: 3 };
const PAST_SHOWN = 20;

// normalise gives hub and vehicle instructions one shape, with the
// recipients the crew answers for.
export function normalise(app, list) {
  if (app.mode.mode === 'vehicle') {
    return (list ?? []).map((in_) => {
      const state = isSet(in_.acknowledged) ? 'acknowledged' : isSet(in_.read) ? 'read' : 'delivered';
      const overdue = isSet(in_.due) && state !== 'acknowledged' && Date.now() > Date.parse(in_.due);
      return {
        id: in_.id, from: in_.from_name, text: in_.text, urgent: in_.urgent, created: in_.created, due: in_.due, overdue,
        received: in_.received,
        to: [{ vehicle: app.mode.vehicle, name: app.mode.vehicle, state, acked_by: in_.acked_by, acknowledged: in_.acknowledged }],
      };
    });
  }
  const mine = app.data.vehicles ? new Map(app.data.vehicles.map((v) => [v.id, v.name || v.id])) : null;
  return (list ?? []).map((in_) => ({
    id: in_.id, from: in_.from_name, text: in_.text, urgent: in_.urgent, created: in_.created, due: in_.due, overdue: in_.overdue,
    to: (in_.to ?? []).filter((r) => !mine || mine.has(r.vehicle)).map((r) => ({ ...r, name: mine?.get(r.vehicle) ?? r.vehicle })),
  }));
}

// queuedReceipts maps "id vehicle" to the best state waiting in the outbox.
function queuedReceipts(app) {
  const out = new Map();
  for (const it of app.outbox.items) {
    if (it.kind !== 'receipt' && it.kind !== 'vreceipt') continue;
    const k = `${it.payload.id} ${it.payload.vehicle ?? app.mode.vehicle}`;
    if ((RANK[it.payload.state] ?? -1) > (RANK[out.get(k)] ?? -1)) out.set(k, it.payload.state);
  }
  return out;
}

const best = (...states) => states.reduce((a, b) => ((RANK[b] ?? -1) > (RANK[a] ?? -1) ? b : a), 'sent');

export class InstructionsView {
  constructor(app) {
    this.app = app;
    this.open = new Set();
    this.local = new Map(); // "id vehicle" -> a receipt given here, before the outbox has it
    this.seenUrgent = new Set();
    this.entries = { current: new Map(), past: new Map() };
    this.current = h('div', { class: 'list', 'data-testid': 'instructions-current' });
    this.past = h('div', { class: 'list', 'data-testid': 'instructions-past' });
    this.empty = h('p', { class: 'muted', 'data-testid': 'instructions-empty' });
    this.el = h('section', { 'data-testid': 'instructions' },
      h('h2', {}, t('ins.current')), this.empty, this.current,
      h('h2', {}, t('ins.past')), this.past);
  }

  // models are the cards as shown: what the server says, raised by the
  // receipts waiting in the outbox or just given on this screen.
  static models(app, view = null) {
    const queued = queuedReceipts(app);
    return normalise(app, app.data.instructions).map((in_) => ({
      id: in_.id, urgent: !!in_.urgent, overdue: !!in_.overdue, from: in_.from || '—', text: in_.text,
      created: in_.created, due: isSet(in_.due) ? in_.due : '', received: isSet(in_.received) ? in_.received : '',
      open: view?.open.has(in_.id) ?? false, single: in_.to.length === 1 && app.mode.mode === 'vehicle',
      rows: in_.to.map((r) => {
        const k = `${in_.id} ${r.vehicle}`;
        const shown = best(r.state, queued.get(k), view?.local.get(k));
        return {
          vehicle: r.vehicle, name: r.name, server: r.state === 'acknowledged', state: shown,
          acknowledged: r.state === 'acknowledged' ? r.acknowledged : '', by: r.acked_by || '',
        };
      }),
    }));
  }

  // pendingCount is how many instructions wait for an acknowledgement.
  static pendingCount(app) {
    return InstructionsView.models(app).filter((m) => m.rows.some((r) => r.state !== 'acknowledged')).length;
  }

  update() {
    const models = InstructionsView.models(this.app, this);
    const isCurrent = (m) => m.rows.some((r) => !r.server);
    // Urgent first, then overdue, each newest first (the order the servers give).
    const weight = (m) => (m.urgent ? 0 : 2) + (m.overdue ? 0 : 1);
    const current = models.filter(isCurrent).map((m, i) => [m, i]).sort(([a, i], [b, j]) => weight(a) - weight(b) || i - j).map(([m]) => m);
    const past = models.filter((m) => !isCurrent(m)).slice(0, PAST_SHOWN);
    this.empty.hidden = current.length > 0;
    this.empty.textContent = models.length ? t('ins.noneCurrent') : t('ins.none');
    const sig = (m) => JSON.stringify(m);
    keyed(this.current, this.entries.current, current, (m) => m.id, sig, (m) => this.card(m, true));
    keyed(this.past, this.entries.past, past, (m) => m.id, sig, (m) => this.card(m, false));
    // A new urgent instruction makes the phone vibrate once.
    for (const m of current) {
      if (m.urgent && !this.seenUrgent.has(m.id)) {
        this.seenUrgent.add(m.id);
        navigator.vibrate?.([300, 150, 300]);
      }
    }
  }

  // receipt notes a receipt at once and hands it to the outbox.
  receipt(m, r, state) {
    const k = `${m.id} ${r.vehicle}`;
    if (RANK[this.local.get(k)] >= RANK[state]) return;
    this.local.set(k, state);
    const kind = this.app.mode.mode === 'vehicle' ? 'vreceipt' : 'receipt';
    const label = m.text.length > 60 ? `${m.text.slice(0, 60)}…` : m.text;
    this.app.outbox.add(kind, { label, payload: { id: m.id, vehicle: r.vehicle, state } });
  }

  toggle(m) {
    if (this.open.has(m.id)) {
      this.open.delete(m.id);
    } else {
      this.open.add(m.id);
      for (const r of m.rows) if (RANK[r.state] < RANK.read) this.receipt(m, r, 'read');
    }
    this.update();
  }

  card(m, current) {
    const badges = [
      m.urgent ? h('span', { class: 'badge urgent' }, t('ins.urgent')) : null,
      m.overdue ? h('span', { class: 'badge overdue', 'data-testid': `overdue-${m.id}` }, t('ins.overdue')) : null,
    ];
    const head = h('button', {
      type: 'button', class: 'ins-head', 'aria-expanded': String(m.open), 'data-testid': `instruction-open-${m.id}`,
      title: m.open ? t('ins.close') : t('ins.open'), onclick: () => this.toggle(m),
    }, m.urgent || m.overdue ? h('span', { class: 'badges' }, badges) : null, h('span', { class: 'from' }, t('ins.from', m.from)),
    h('span', { class: 'when' }, t('ins.sent', formatTime(m.created))), h('span', { class: 'chevron', 'aria-hidden': 'true' }, m.open ? '▲' : '▼'));
    return h('article', {
      class: `instruction${m.urgent ? ' urgent' : ''}${m.overdue ? ' overdue' : ''}${current ? ' current' : ''}${m.open ? ' open' : ''}`,
      'data-testid': `instruction-${m.id}`, dataset: { urgent: String(m.urgent), overdue: String(m.overdue) },
    }, head,
    h('p', { class: 'ins-text', 'data-testid': `instruction-text-${m.id}` }, m.text),
    h('p', { class: 'meta' }, m.due ? t('ins.due', formatTime(m.due)) : null,
      m.received ? h('span', {}, ' · ', t('ins.received', formatTime(m.received))) : null),
    h('div', { class: 'recipients' }, m.rows.map((r) => this.recipient(m, r))));
  }

  recipient(m, r) {
    const id = `${m.id}-${r.vehicle}`;
    if (r.server) {
      return h('p', { class: 'acked', 'data-testid': `ack-state-${id}`, dataset: { state: 'acknowledged' } },
        t('ins.acked', r.name, formatTime(r.acknowledged), r.by || '—'));
    }
    if (r.state === 'acknowledged') {
      return h('p', { class: 'pending-send', 'data-testid': `ack-state-${id}`, dataset: { state: 'queued' } }, t('ins.ackQueued', r.name));
    }
    return h('div', { class: 'recipient', 'data-testid': `ack-state-${id}`, dataset: { state: r.state } },
      h('span', { class: 'state' }, t('ins.state', r.name, t(STATE[r.state] ?? 'st.sent'))),
      h('button', {
        type: 'button', class: `ack${m.urgent ? ' urgent' : ''}`, 'data-testid': `ack-${id}`,
        onclick: () => { this.receipt(m, r, 'acknowledged'); this.update(); },
      }, m.single ? t('ins.ack') : t('ins.ackFor', r.name)));
  }
}
