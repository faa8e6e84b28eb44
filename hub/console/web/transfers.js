// Transfer monitoring (Decision 3035, Appendix I): per vehicle and day,
// segments sent, received and applied, sizes, errors and times; and the
// alerts (tampering, storage, lost recordings).
import { api } from './api.js';
import { h, fmtBytes } from './dom.js';
import { t, formatTime as fmt } from './i18n.js';

// formatTime shows — for the zero time the API uses for "not yet".
const formatTime = (x, d) => (!x || x.startsWith('0001-') ? '—' : fmt(x, d));

// Alert kinds from the API, and how the console names them.
const ALERT = {
  tamper: 'alert.tamper', key_conflict: 'alert.keyConflict', disk_low: 'alert.diskLow', disk_full: 'alert.diskFull',
  unsynced_evicted: 'alert.unsyncedEvicted', hub_storage: 'alert.hubStorage',
};

export class TransfersView {
  constructor(root, params) {
    this.root = root;
    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
    this.dayIn = h('input', { id: 'xfer-day', type: 'date', value: params.get('day') || today, 'data-testid': 'transfers-day', onchange: () => this.load() });
    this.table = h('div', { 'data-testid': 'transfers-table' });
    this.alerts = h('ul', { class: 'alerts', 'data-testid': 'alerts' });
    root.replaceChildren(h('section', { class: 'transfers' },
      h('h1', {}, t('xfer.title')), h('label', { for: 'xfer-day' }, t('xfer.day')), this.dayIn, this.table,
      h('h2', {}, t('alert.title')), this.alerts));
    this.load();
  }

  async load() {
    let days = [];
    let alerts = [];
    try {
      [days, alerts] = await Promise.all([api.get(`/api/v1/archive/transfers?day=${this.dayIn.value}`), api.get('/api/v1/alerts')]);
    } catch (e) { this.table.replaceChildren(h('p', { class: 'error' }, t('arch.error', e.message))); return; }
    const head = ['xfer.vehicle', 'xfer.unit', 'xfer.sent', 'xfer.received', 'xfer.applied', 'xfer.errors', 'xfer.first', 'xfer.last'];
    const fileHead = ['xfer.camera', 'xfer.seq', 'xfer.size', 'xfer.recvStart', 'xfer.recvEnd', 'xfer.appliedAt', 'xfer.error'];
    const fileRow = (f) => h('tr', {},
      h('td', {}, f.camera), h('td', {}, f.seq), h('td', {}, fmtBytes(f.size)), h('td', {}, formatTime(f.received_start)),
      h('td', {}, formatTime(f.received_end)), h('td', {}, formatTime(f.applied_at)), h('td', { class: f.error ? 'bad' : '' }, f.error || ''));
    const files = (d) => h('tr', {}, h('td', { colspan: 8 }, h('details', {},
      h('summary', {}, t('xfer.files', d.files.length)),
      h('table', { class: 'xfer-files' }, h('tr', {}, fileHead.map((k) => h('th', {}, t(k)))), d.files.map(fileRow)))));
    const dayRow = (d) => h('tr', { 'data-testid': `transfer-${d.vehicle}` },
      h('td', {}, d.vehicle), h('td', {}, d.unit),
      h('td', {}, `${d.segments_sent} · ${fmtBytes(d.bytes_sent)}`),
      h('td', {}, `${d.segments_received} · ${fmtBytes(d.bytes_received)}`),
      h('td', {}, `${d.segments_applied} · ${fmtBytes(d.bytes_applied)}`),
      h('td', { class: d.errors ? 'bad' : '' }, d.errors),
      h('td', {}, formatTime(d.first_at)), h('td', {}, formatTime(d.last_at)));
    this.table.replaceChildren(days.length
      ? h('table', { class: 'xfer' },
        h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, days.map((d) => [dayRow(d), files(d)])))
      : h('p', { class: 'muted' }, t('xfer.none')));
    this.alerts.replaceChildren(...(alerts.length ? alerts.map((a) => h('li', { class: `alert alert-${a.kind}` },
      h('span', { class: 'badge' }, ALERT[a.kind] ? t(ALERT[a.kind]) : a.kind), ' ', formatTime(a.time, true), ' · ', a.vehicle, a.camera ? `/${a.camera}` : '', ' — ', a.message))
      : [h('li', { class: 'muted' }, t('alert.none'))]));
  }

  update() {}
  destroy() {}
}
