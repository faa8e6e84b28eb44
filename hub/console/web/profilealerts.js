// The panel of the focus-profile alerts addressed to the logged-in
// officer (Decision 888 Art. 13: officers follow the electronic alerts of
// their profiles): open and acknowledged ones, newest first, refreshed
// every few seconds; acknowledge takes an alert in hand, resolve closes it
// with a note saying what was done. The profiles page shows it, and so can
// the command-centre screen:
//
//   const panel = new AlertsPanel(app, container); … panel.stop();
//
// app is the console's root element, as the pages get it: after each
// refresh the panel tells it how many alerts are open with a
// 'profile-alerts' event ({detail: {open, acknowledged}}).
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, dialog, same } from './ui.js';

export const REFRESH = 4000;
const TYPE = { geofence_enter: 'palert.enter', geofence_leave: 'palert.leave', camera_offline: 'palert.camera', report_match: 'palert.report', window_open: 'palert.window' };
const STATE = { open: 'palert.open', acknowledged: 'palert.acknowledged', resolved: 'palert.resolved' };

export class AlertsPanel {
  constructor(app, container) {
    this.app = app;
    this.status = new Status('palert-status');
    this.count = h('span', { class: 'count', 'data-testid': 'palert-count', 'data-count': '' }, '…');
    this.list = h('ul', { class: 'palert-list', 'aria-live': 'polite', 'data-testid': 'palert-list' });
    this.el = h('section', { class: 'palert-panel panel', 'aria-labelledby': 'palert-title', 'data-testid': 'palert-panel' },
      h('div', { class: 'toolbar' }, h('h2', { id: 'palert-title' }, t('palert.title'), ' ', this.count),
        h('a', { href: '#/profiles', class: 'small' }, t('palert.profiles'))),
      this.status.el, this.list);
    container.append(this.el);
    this.refresh();
    this.timer = setInterval(() => { if (!document.hidden) this.refresh(); }, REFRESH);
  }

  // stop ends the refreshing and takes the panel away.
  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.el.remove();
  }

  destroy() { this.stop(); }

  async refresh() {
    try {
      const all = await api.get('/api/v1/profile-alerts?mine=1');
      if (!this.timer) return; // stopped meanwhile
      this.show(all.filter((a) => a.state !== 'resolved'));
      if (this.status.el.dataset.kind === 'bad' || this.status.el.dataset.kind === 'forbidden') this.status.clear();
    } catch (e) {
      this.status.fail(e);
    }
  }

  show(alerts) {
    const open = alerts.filter((a) => a.state === 'open').length;
    this.count.textContent = String(open);
    this.count.dataset.count = String(open);
    this.el.classList.toggle('has-open', open > 0);
    this.app?.dispatchEvent?.(new CustomEvent('profile-alerts', { detail: { open, acknowledged: alerts.length - open } }));
    if (same(this, alerts)) return;
    this.list.replaceChildren(...(alerts.length ? alerts.map((a) => this.item(a))
      : [h('li', { class: 'empty', 'data-testid': 'palert-empty' }, t('palert.none'))]));
  }

  item(a) {
    const where = a.position ? h('a', { href: `#/map?lat=${a.position[0]}&lon=${a.position[1]}`, 'data-testid': `palert-map-${a.id}` }, t('palert.onMap')) : null;
    const report = a.report ? h('a', { href: `#/reports/${encodeURIComponent(a.report)}` }, t('palert.openReport')) : null;
    const ack = a.state === 'open' ? h('button', { type: 'button', class: 'primary', 'data-testid': `palert-ack-${a.id}`, onclick: () => this.ack(a) }, t('palert.ack')) : null;
    const resolve = h('button', { type: 'button', 'data-testid': `palert-resolve-${a.id}`, onclick: () => this.resolve(a) }, t('palert.resolve'));
    return h('li', { class: `palert-item st-${a.state}`, 'data-testid': `palert-item-${a.id}`, 'data-id': a.id, 'data-state': a.state, 'data-type': a.type },
      h('div', { class: 'palert-head' },
        h('span', { class: `rep-state st-${a.state}` }, t(STATE[a.state] || a.state)),
        h('strong', {}, TYPE[a.type] ? t(TYPE[a.type]) : a.type),
        h('span', { class: 'muted small' }, formatTime(a.time, true))),
      h('p', { class: 'palert-msg', 'data-testid': `palert-msg-${a.id}` }, a.message),
      h('p', { class: 'muted small' }, h('a', { href: `#/profiles/${encodeURIComponent(a.profile)}` }, a.profile_title || a.profile),
        a.ack_by ? ` · ${t('palert.ackBy', a.ack_by, formatTime(a.ack_at))}` : ''),
      h('div', { class: 'row-actions' }, ack, resolve, where, report));
  }

  async ack(a) {
    try {
      await api.post(`/api/v1/profile-alerts/${encodeURIComponent(a.id)}/ack`, {});
      this.status.ok(t('palert.acked'));
    } catch (e) {
      this.status.fail(e);
    }
    await this.refresh();
  }

  async resolve(a) {
    const note = await dialog({ title: t('palert.resolveTitle'), body: a.message, ok: t('palert.resolve'),
      input: { label: t('palert.note'), required: true, hint: t('palert.noteHelp') } });
    if (!note) return;
    try {
      await api.post(`/api/v1/profile-alerts/${encodeURIComponent(a.id)}/resolve`, { note });
      this.status.ok(t('palert.resolved'));
    } catch (e) {
      this.status.fail(e);
    }
    await this.refresh();
  }
}
