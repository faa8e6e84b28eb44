// Suspicious-sign reports (Decision 888 Art. 17): duty and surveillance
// officers and crews raise them (what was seen, the action proposed,
// photos, a live camera's snapshot); a leader of the unit approves or
// rejects the action, or replies with an instruction to the vehicle; the
// action is marked done only after approval. Leaders see the reports
// awaiting their decision first. The page is the list and, at
// #/reports/{id}, one report with its timeline; refreshed every 5 s.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, dialog, errorText, hasRole, modal, randomID, same, unitName } from './ui.js';
import { openReportForm } from './reportform.js';

// Report states, how reports came in, and timeline steps of the API, and
// how the console names them.
export const STATE = { pending: 'rep.statePending', approved: 'rep.stateApproved', rejected: 'rep.stateRejected', done: 'rep.stateDone' };
export const VIA = { console: 'rep.viaConsole', phone: 'rep.viaPhone', vehicle: 'rep.viaVehicle' };
export const STEP = { raised: 'rep.stepRaised', approved: 'rep.stepApproved', rejected: 'rep.stepRejected', replied: 'rep.stepReplied', done: 'rep.stepDone' };

// Who sees the page, who raises reports (leaders decide instead), and who
// may open the archive at a snapshot's time.
export const REPORT_ROLES = ['leader', 'duty', 'surveillance', 'crew'];
export const CREATE_ROLES = ['duty', 'surveillance', 'crew'];
const ARCHIVE_ROLES = ['admin', 'leader', 'duty', 'surveillance'];

export const REFRESH = 5000;

export const canReport = (me) => hasRole(me, ...CREATE_ROLES);

// pendingCount is how many reports await a leader's decision.
export async function pendingCount() {
  return (await api.get('/api/v1/reports?state=pending')).length;
}

const titleOf = (r) => r.title || (r.text.length > 80 ? `${r.text.slice(0, 80)}…` : r.text);
const stateText = (s) => (STATE[s] ? t(STATE[s]) : s);

export class ReportsView {
  /**
   * @param {HTMLElement} root
   * @param {{me: any, id?: string, onPending?: (n: number) => void}} opts
   */
  constructor(root, { me, id = '', onPending = () => {} }) {
    this.every = REFRESH; // the console refreshes this page this often
    this.me = me;
    this.id = id;
    this.onPending = onPending;
    this.leader = hasRole(me, 'leader');
    this.canCreate = canReport(me);
    this.list = null; // null until the first answer
    this.report = null;
    this.detailError = null;
    /** @type {unknown} what the detail shows (redrawn only on a change) */
    this.detailShown = null;
    this.vehicles = [];
    this.units = [];
    this.closers = new Set(); // dialogs this page opened
    this.status = new Status('reports-status');
    this.status.loading();
    this.msg = new Status('report-action-status'); // kept across rebuilds of the detail
    const filters = { all: 'rep.filterAll', ...(this.leader ? {} : { pending: STATE.pending }), approved: STATE.approved, rejected: STATE.rejected, done: STATE.done };
    this.filter = h('select', { id: 'rep-filter', 'data-testid': 'reports-filter', onchange: () => this.render() },
      Object.entries(filters).map(([v, k]) => h('option', { value: v }, t(k))));
    this.pendingCount = h('span', { class: 'count', 'data-testid': 'reports-pending-count' }, '…');
    this.pendingList = h('div', { class: 'rep-list', 'data-testid': 'reports-pending-list' });
    this.listBox = h('div', { class: 'rep-list', 'data-testid': 'reports-list' });
    this.detail = h('div', { class: 'rep-detail-pane', 'aria-live': 'polite', 'data-testid': 'report-detail-pane' });
    const newBtn = this.canCreate
      ? h('button', { type: 'button', class: 'primary', 'data-testid': 'reports-new', onclick: () => this.raise() }, t('rep.new')) : null;
    root.replaceChildren(h('section', { class: 'page reports', 'data-testid': 'reports' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('rep.title')), newBtn),
      this.status.el,
      h('div', { class: 'rep-layout' },
        h('div', { class: 'rep-lists' },
          this.leader ? h('section', { class: 'rep-pending', 'aria-labelledby': 'rep-pending-title', 'data-testid': 'reports-pending' },
            h('h2', { id: 'rep-pending-title' }, t('rep.pending'), ' ', this.pendingCount), this.pendingList) : null,
          h('section', { 'aria-labelledby': 'rep-list-title' },
            h('div', { class: 'toolbar' }, h('h2', { id: 'rep-list-title' }, t(this.leader ? 'rep.others' : 'rep.all')),
              h('label', { for: 'rep-filter' }, t('rep.filter')), this.filter),
            this.listBox)),
        this.detail)));
    this.renderDetail();
  }

  // refresh reads the reports, the one shown, and the names of vehicles,
  // cameras and units.
  async refresh() {
    const one = this.id ? api.get(`/api/v1/reports/${encodeURIComponent(this.id)}`).catch((e) => {
      if (e instanceof APIError && (e.status === 404 || e.status === 403)) return { error: e };
      throw e;
    }) : null;
    const [list, vehicles, units, report] = await Promise.all([api.get('/api/v1/reports'), api.vehicles(),
      this.units.length ? this.units : api.get('/api/v1/units'), one]);
    Object.assign(this, { list, vehicles, units });
    this.report = report?.error ? null : report;
    this.detailError = report?.error ?? null;
    if (this.status.el.dataset.kind !== 'ok') this.status.clear();
    if (this.leader) this.onPending(list.filter((r) => r.state === 'pending').length);
    this.render();
    this.renderDetail();
  }

  fail(e) {
    this.status.fail(e);
  }

  raise(opts = {}) {
    openReportForm({ ...opts, onCreated: () => this.refresh().catch(() => {}) });
  }

  vehicleName(id) {
    const v = this.vehicles.find((x) => x.id === id);
    return v ? v.name : id;
  }

  cameraName(vehicle, camera) {
    return this.vehicles.find((x) => x.id === vehicle)?.cameras?.find((c) => c.id === camera)?.name || camera;
  }

  names() {
    return [this.vehicles.map((v) => [v.id, v.name, (v.cameras || []).map((c) => [c.id, c.name])]), this.units.map((u) => [u.id, u.name])];
  }

  render() {
    if (!this.list) return;
    const f = this.filter.value;
    const pending = this.list.filter((r) => r.state === 'pending');
    const rest = this.list.filter((r) => !(this.leader && r.state === 'pending') && (f === 'all' || r.state === f));
    if (same(this, [f, this.id, this.list, this.names()])) return;
    if (this.leader) {
      this.pendingCount.textContent = String(pending.length);
      this.pendingCount.dataset.count = String(pending.length);
      this.pendingList.replaceChildren(...(pending.length ? pending.map((r) => this.item(r))
        : [h('p', { class: 'empty', 'data-testid': 'reports-pending-empty' }, t('rep.pendingNone'))]));
    }
    this.listBox.replaceChildren(...(rest.length ? rest.map((r) => this.item(r))
      : [h('p', { class: 'empty', 'data-testid': 'reports-empty' }, t(this.list.length ? 'rep.noneFiltered' : 'rep.none'))]));
  }

  item(r) {
    const photos = (r.photos || []).length;
    return h('a', { href: `#/reports/${encodeURIComponent(r.id)}`, class: `rep-item st-${r.state}`, 'aria-current': r.id === this.id ? 'true' : null,
      'data-testid': `report-item-${r.id}`, 'data-id': r.id, 'data-state': r.state },
    h('span', { class: 'rep-item-head' }, h('strong', {}, titleOf(r)),
      h('span', { class: `rep-state st-${r.state}`, 'data-testid': `report-state-${r.id}` }, stateText(r.state))),
    h('span', { class: 'muted small' }, [r.vehicle ? this.vehicleName(r.vehicle) : unitName(this.units, r.unit), r.by_name || r.by,
      formatTime(r.created, true), photos ? t('rep.photoCount', photos) : ''].filter(Boolean).join(' · ')));
  }

  renderDetail() {
    if (!this.id) {
      if (same(this.detailShown ??= {}, 'none')) return;
      this.detail.replaceChildren(h('p', { class: 'empty', 'data-testid': 'report-none' }, t('rep.select')));
      return;
    }
    if (this.detailError) {
      if (same(this.detailShown ??= {}, ['error', this.detailError.status])) return;
      const text = this.detailError.status === 404 ? t('rep.notFound') : errorText(this.detailError);
      this.detail.replaceChildren(h('p', { class: 'status bad', 'data-testid': 'report-missing' }, text));
      return;
    }
    const r = this.report;
    if (!r) {
      this.detail.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
      return;
    }
    if (same(this.detailShown ??= {}, [r, this.names()])) return;
    this.detail.replaceChildren(this.card(r));
  }

  card(r) {
    const row = (k, v, id) => [h('dt', {}, t(k)), h('dd', { 'data-testid': id }, v)];
    const photos = r.photos || [];
    return h('article', { class: `rep-detail panel st-${r.state}`, 'data-testid': 'report-detail', 'data-id': r.id, 'data-state': r.state },
      h('header', { class: 'rep-detail-head' },
        h('h2', { 'data-testid': 'report-detail-title' }, titleOf(r)),
        h('span', { class: `rep-state st-${r.state}`, 'data-testid': 'report-detail-state', 'data-state': r.state }, stateText(r.state))),
      h('dl', { class: 'rep-meta' },
        ...row('rep.by', r.by_name && r.by_name !== r.by ? `${r.by_name} (${r.by})` : r.by_name || r.by, 'report-detail-by'),
        ...row('rep.via', VIA[r.via] ? t(VIA[r.via]) : r.via || '—', 'report-detail-via'),
        ...row('rep.created', formatTime(r.created, true), 'report-detail-created'),
        ...row('rep.unit', unitName(this.units, r.unit), 'report-detail-unit'),
        ...row('rep.vehicle', r.vehicle ? `${this.vehicleName(r.vehicle)} (${r.vehicle})` : '—', 'report-detail-vehicle'),
        ...row('rep.position', this.position(r.position), 'report-detail-position'),
        r.snapshot ? row('rep.snapshot', this.snapshot(r.snapshot), 'report-detail-snapshot') : null),
      h('h3', {}, t('rep.text')), h('p', { class: 'rep-text', 'data-testid': 'report-detail-text' }, r.text || '—'),
      h('h3', {}, t('rep.action')),
      r.action ? h('p', { class: 'rep-text', 'data-testid': 'report-detail-action' }, r.action)
        : h('p', { class: 'muted', 'data-testid': 'report-detail-action' }, t('rep.noAction')),
      h('h3', {}, t('rep.photos', photos.length)),
      photos.length ? h('ul', { class: 'rep-photos', 'data-testid': 'report-detail-photos' }, photos.map((p, i) => h('li', {},
        h('button', { type: 'button', class: 'rep-photo', 'aria-label': t('rep.photoOpen', i + 1), 'data-testid': `report-photo-open-${i + 1}`,
          onclick: () => this.viewPhoto(photos, i) },
        h('img', { src: photoURL(p), alt: t('rep.photoAlt', i + 1), loading: 'lazy' })))))
        : h('p', { class: 'muted', 'data-testid': 'report-detail-photos' }, t('rep.noPhotos')),
      this.actions(r), this.msg.el,
      h('h3', {}, t('rep.timeline')),
      h('ol', { class: 'rep-timeline', 'data-testid': 'report-timeline' }, (r.timeline || []).map((s, i) => this.step(s, i))));
  }

  position(p) {
    if (!p) return '—';
    const text = `${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`;
    return h('a', { href: `#/map?lat=${p.lat}&lon=${p.lon}`, title: t('rep.onMap'), 'data-testid': 'report-detail-map' }, text);
  }

  snapshot(s) {
    const text = t('rep.snapshotOf', this.cameraName(s.vehicle, s.camera), this.vehicleName(s.vehicle), formatTime(s.time, true));
    if (!hasRole(this.me, ...ARCHIVE_ROLES)) return text;
    const q = new URLSearchParams({ vehicle: s.vehicle, camera: s.camera, at: s.time });
    return [text, ' ', h('a', { href: `#/archive?${q}`, 'data-testid': 'report-detail-archive' }, t('rep.openArchive'))];
  }

  step(s, i) {
    return h('li', { class: `rep-step st-${s.what}`, 'data-testid': `report-step-${i}`, 'data-what': s.what },
      h('span', { class: 'rep-step-time' }, formatTime(s.time, true)), ' ',
      h('strong', {}, STEP[s.what] ? t(STEP[s.what]) : s.what), ' · ',
      h('span', { class: 'rep-step-who', 'data-testid': `report-step-who-${i}` }, s.name || s.by),
      s.note ? h('p', { class: 'rep-step-note' }, s.note) : null,
      s.instruction ? h('p', { class: 'muted small' }, h('a', { href: '#/instructions' }, t('rep.instructionSent'))) : null);
  }

  // actions are what the user may do with the report now: a leader
  // decides a pending one and replies while it is open; those who raise
  // reports mark an approved action done, which waits for the approval.
  actions(r) {
    const out = [];
    if (this.leader && r.state === 'pending') {
      out.push(h('button', { type: 'button', class: 'primary big', 'data-testid': 'report-approve', onclick: () => this.decide(r, true) }, t('rep.approve')),
        h('button', { type: 'button', class: 'danger big', 'data-testid': 'report-reject', onclick: () => this.decide(r, false) }, t('rep.reject')));
    }
    if (this.leader && r.state !== 'done') {
      out.push(h('button', { type: 'button', 'data-testid': 'report-reply', onclick: () => this.reply(r) }, t('rep.reply')));
    }
    let notice = null;
    if (this.canCreate && (r.state === 'approved' || r.state === 'pending')) {
      const waiting = r.state === 'pending';
      out.push(h('button', { type: 'button', class: 'primary', disabled: waiting, 'aria-describedby': waiting ? 'rep-not-approved' : null,
        'data-testid': 'report-done', onclick: () => this.done(r) }, t('rep.done')));
      if (waiting) notice = h('p', { id: 'rep-not-approved', class: 'warning', 'data-testid': 'report-not-approved' }, t('rep.notApproved'), ' — ', t('rep.notApprovedHelp'));
    }
    if (!out.length && !notice) return null;
    return h('div', { class: 'rep-actions' }, notice, out.length ? h('div', { class: 'row-actions' }, out) : null);
  }

  // after an action: say how it went and show the report as it is now.
  async acted(text) {
    this.msg.ok(text);
    await this.refresh().catch(() => {});
  }

  // failed says why the hub refused, in the page's words for its conflicts.
  async failed(e) {
    if (e instanceof APIError && e.code === 'not_approved') this.msg.show('bad', t('rep.notApproved'));
    else if (e instanceof APIError && e.status === 409) this.msg.show('bad', t('rep.conflict'));
    else this.msg.fail(e);
    if (e instanceof APIError && e.status === 409) await this.refresh().catch(() => {});
  }

  async decide(r, approve) {
    const note = await dialog({
      title: t(approve ? 'rep.approveTitle' : 'rep.rejectTitle'),
      body: approve && r.action ? t('rep.approveBody', r.action) : titleOf(r),
      ok: t(approve ? 'rep.approve' : 'rep.reject'), danger: !approve,
      input: { label: t(approve ? 'rep.note' : 'rep.rejectNote'), required: !approve },
    });
    if (note === null) return;
    try {
      await api.post(`/api/v1/reports/${encodeURIComponent(r.id)}/decision`, { decision: approve ? 'approve' : 'reject', note });
      await this.acted(t(approve ? 'rep.approvedOK' : 'rep.rejectedOK'));
    } catch (e) {
      await this.failed(e);
    }
  }

  async done(r) {
    const note = await dialog({ title: t('rep.doneTitle'), body: r.action || titleOf(r), ok: t('rep.done'), input: { label: t('rep.doneNote') } });
    if (note === null) return;
    try {
      await api.post(`/api/v1/reports/${encodeURIComponent(r.id)}/done`, { note });
      await this.acted(t('rep.doneOK'));
    } catch (e) {
      await this.failed(e);
    }
  }

  // reply sends an instruction to the report's vehicle (or its unit's
  // vehicles); the same client id makes a retry send it once.
  reply(r) {
    const clientID = randomID();
    const to = r.vehicle ? this.vehicleName(r.vehicle) : t('rep.replyUnit', unitName(this.units, r.unit));
    const text = h('textarea', { id: 'reply-text', rows: 4, maxlength: 2000, required: true, 'data-testid': 'reply-text' });
    const urgent = h('input', { id: 'reply-urgent', type: 'checkbox', 'data-testid': 'reply-urgent' });
    const send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'reply-send' }, t('rep.replySend'));
    const msg = new Status('reply-message');
    const form = h('form', { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (!text.value.trim()) { msg.show('bad', t('rep.replyNeedText')); text.focus(); return; }
      send.disabled = true;
      msg.show('loading', t('rep.sending'));
      try {
        await api.post(`/api/v1/reports/${encodeURIComponent(r.id)}/reply`, { text: text.value.trim(), urgent: urgent.checked, client_id: clientID });
        close();
        await this.acted(t('rep.repliedOK'));
      } catch (err) {
        if (err instanceof APIError) msg.fail(err);
        else msg.show('bad', t('rep.replyRetry'));
      } finally {
        send.disabled = false;
      }
    } },
    h('label', { for: 'reply-text' }, t('rep.replyText')), text,
    h('div', { class: 'check' }, urgent, h('label', { for: 'reply-urgent' }, t('rep.replyUrgent'))),
    msg.el,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', 'data-testid': 'reply-cancel', onclick: () => close() }, t('common.cancel')), send));
    const close = this.own(modal({ title: t('rep.replyTitle', to), testid: 'reply-dialog', content: form, onClose: () => this.closers.delete(close) }));
    text.focus();
  }

  // viewPhoto shows a report's photo large, with the others a key away.
  viewPhoto(photos, start) {
    let i = start;
    const img = h('img', { class: 'rep-full', 'data-testid': 'photo-viewer-img' });
    const count = h('span', { class: 'muted' });
    const original = h('a', { target: '_blank', rel: 'noopener', 'data-testid': 'photo-viewer-original' }, t('rep.photoOriginal'));
    const show = () => {
      img.src = photoURL(photos[i]);
      img.alt = t('rep.photoAlt', i + 1);
      original.href = photoURL(photos[i]);
      count.textContent = `${i + 1}/${photos.length}`;
    };
    const go = (d) => { i = (i + d + photos.length) % photos.length; show(); };
    const more = photos.length > 1;
    const closeBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'photo-viewer-close', onclick: () => close() }, t('rep.close'));
    const content = h('div', { class: 'rep-viewer', onkeydown: (e) => { if (more && e.key === 'ArrowRight') go(1); if (more && e.key === 'ArrowLeft') go(-1); } },
      img,
      h('div', { class: 'dialog-actions' },
        more ? h('button', { type: 'button', 'aria-label': t('rep.photoPrev'), 'data-testid': 'photo-viewer-prev', onclick: () => go(-1) }, '←') : null,
        more ? count : null,
        more ? h('button', { type: 'button', 'aria-label': t('rep.photoNext'), 'data-testid': 'photo-viewer-next', onclick: () => go(1) }, '→') : null,
        original, closeBtn));
    show();
    const close = this.own(modal({ title: t('rep.photoTitle'), testid: 'photo-viewer', wide: true, content, onClose: () => this.closers.delete(close) }));
    closeBtn.focus();
  }

  own(close) {
    this.closers.add(close);
    return close;
  }

  update() {}

  destroy() {
    for (const close of [...this.closers]) close();
  }
}

const photoURL = (id) => `/api/v1/photos/${encodeURIComponent(id)}`;
