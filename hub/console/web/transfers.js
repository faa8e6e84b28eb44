// Transfer monitoring (Decision 3035, Appendix I): per vehicle and day,
// segments sent, received and applied, sizes, errors and times, with each
// file on demand; and the alerts (tampering, storage, sync, lost
// recordings), newest first. Refreshed every 10 s.
import { api } from './api.js';
import { h, fmtBytes } from './core/dom.js';
import { t, formatTime as fmt } from './i18n.js';

// formatTime shows — for the zero time the API uses for "not yet".
const formatTime = (x, d) => (!x || x.startsWith('0001-') ? '—' : fmt(x, d));

// Alert kinds from the API, and how the console names them.
export const ALERT = {
  tamper: 'alert.tamper', key_conflict: 'alert.keyConflict', disk_low: 'alert.diskLow', disk_full: 'alert.diskFull',
  sync_error: 'alert.syncError', unsynced_evicted: 'alert.unsyncedEvicted', hub_storage: 'alert.hubStorage',
};

const REFRESH = 10000;
const HEAD = ['xfer.vehicle', 'xfer.unit', 'xfer.sent', 'xfer.received', 'xfer.applied', 'xfer.errors', 'xfer.first', 'xfer.last'];
const FILE_HEAD = ['xfer.camera', 'xfer.seq', 'xfer.size', 'xfer.recvStart', 'xfer.recvEnd', 'xfer.appliedAt', 'xfer.error'];

const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
const count = (n, bytes) => `${n ?? 0} · ${fmtBytes(bytes)}`;

export class TransfersView {
  constructor(root, params) {
    this.root = root;
    this.open = new Set(); // vehicles whose file list is expanded, kept across refreshes
    const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get('day') || '') ? params.get('day') : today();
    this.dayIn = h('input', { id: 'xfer-day', type: 'date', value: day, required: true, 'data-testid': 'transfers-day', onchange: () => this.pick() });
    this.table = h('div', { 'data-testid': 'transfers-table', 'aria-live': 'polite' });
    this.alerts = h('ul', { class: 'alerts', 'data-testid': 'alerts' });
    this.msg = h('p', { class: 'error', role: 'status', 'data-testid': 'transfers-message' });
    root.replaceChildren(h('section', { class: 'transfers' },
      h('h1', {}, t('xfer.title')),
      h('div', { class: 'arch-form' }, h('label', { for: 'xfer-day' }, t('xfer.day')), this.dayIn, h('span', { class: 'muted small' }, t('arch.zone'))),
      this.msg, this.table,
      h('h2', {}, t('alert.title')), this.alerts));
    this.load();
    this.poll = setInterval(() => { if (!document.hidden) this.load(); }, REFRESH);
  }

  pick() {
    if (!this.dayIn.value) return;
    history.replaceState(null, '', `#/transfers?day=${this.dayIn.value}`);
    this.load();
  }

  async load() {
    const day = this.dayIn.value || today();
    let days;
    let alerts;
    try {
      [days, alerts] = await Promise.all([api.get(`/api/v1/archive/transfers?day=${encodeURIComponent(day)}`), api.get('/api/v1/alerts')]);
    } catch (e) { this.msg.textContent = t('arch.error', e.message); return; }
    if (day !== (this.dayIn.value || today())) return; // the day changed meanwhile
    this.msg.textContent = '';
    this.showDays(days);
    this.showAlerts(alerts);
  }

  showDays(days) {
    if (!days.length) { this.table.replaceChildren(h('p', { class: 'muted' }, t('xfer.none'))); return; }
    this.table.replaceChildren(h('table', { class: 'xfer' },
      h('caption', { class: 'muted' }, t('xfer.caption')),
      h('thead', {}, h('tr', {}, HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, [...days].sort((a, b) => a.vehicle.localeCompare(b.vehicle)).flatMap((d) => [this.dayRow(d), this.filesRow(d)]))));
  }

  dayRow(d) {
    return h('tr', { 'data-testid': `transfer-${d.vehicle}` },
      h('th', { scope: 'row' }, d.vehicle), h('td', {}, d.unit || '—'),
      h('td', {}, count(d.segments_sent, d.bytes_sent)),
      h('td', {}, count(d.segments_received, d.bytes_received)),
      h('td', {}, count(d.segments_applied, d.bytes_applied)),
      h('td', { class: d.errors ? 'bad' : '' }, d.errors ?? 0),
      h('td', {}, formatTime(d.first_at)), h('td', {}, formatTime(d.last_at)));
  }

  filesRow(d) {
    const files = d.files || [];
    const det = h('details', { open: this.open.has(d.vehicle), 'data-testid': `transfer-files-${d.vehicle}`,
      ontoggle: () => { if (det.open) this.open.add(d.vehicle); else this.open.delete(d.vehicle); } },
    h('summary', {}, t('xfer.files', files.length)),
    h('table', { class: 'xfer-files' },
      h('thead', {}, h('tr', {}, FILE_HEAD.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, files.map((f) => h('tr', { class: f.error ? 'bad' : '' },
        h('td', {}, f.camera), h('td', {}, f.seq), h('td', {}, fmtBytes(f.size)), h('td', {}, formatTime(f.received_start)),
        h('td', {}, formatTime(f.received_end)), h('td', {}, formatTime(f.applied_at)), h('td', { class: f.error ? 'bad' : '' }, f.error || ''))))));
    return h('tr', { class: 'xfer-detail' }, h('td', { colspan: HEAD.length }, det));
  }

  showAlerts(alerts) {
    const list = [...alerts].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    this.alerts.replaceChildren(...(list.length ? list.map((a) => h('li', { class: `alert alert-${a.kind}`, 'data-testid': `alert-${a.id}`, 'data-kind': a.kind },
      h('span', { class: 'badge' }, ALERT[a.kind] ? t(ALERT[a.kind]) : a.kind), ' ', formatTime(a.time, true), ' · ', a.vehicle || '—', a.camera ? `/${a.camera}` : '', ' — ', a.message))
      : [h('li', { class: 'muted' }, t('alert.none'))]));
  }

  update() {}
  destroy() { clearInterval(this.poll); }
}
