// Focus profiles (hồ sơ trọng điểm, Decision 888 Art. 13): the
// surveillance unit drafts a profile (scope, content, requirements, time
// window, alert rules, who watches) and submits it; a leader of the unit,
// not its author, approves or rejects it with a note; only then do its
// rules fire. An approved profile's edit waits for a leader too. The page
// lists profiles by state (leaders: those awaiting a decision first),
// shows one at #/profiles/{id} with its history, and the officer's own
// alerts on top.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, dialog, errorText, hasRole, same, unitName } from './ui.js';
import { AlertsPanel } from './profilealerts.js';
import { openProfileForm, RULE_TEXT } from './profileform.js';

export const PROFILE_ROLES = ['leader', 'duty', 'surveillance'];
export const REFRESH = 5000;
const STATE = { draft: 'prof.stateDraft', submitted: 'prof.stateSubmitted', approved: 'prof.stateApproved', rejected: 'prof.stateRejected',
  closed: 'prof.stateClosed', expired: 'prof.stateExpired' };
const STEP = { created: 'prof.stepCreated', edited: 'prof.stepEdited', submitted: 'prof.stepSubmitted', approved: 'prof.stepApproved',
  rejected: 'prof.stepRejected', revision_proposed: 'prof.stepRevision', revision_approved: 'prof.stepRevisionApproved',
  revision_rejected: 'prof.stepRevisionRejected', closed: 'prof.stepClosed' };
const stateText = (s) => (STATE[s] ? t(STATE[s]) : s);

export class ProfilesView {
  constructor(root, { me, id = '' }) {
    this.every = REFRESH;
    this.me = me;
    this.id = id;
    /** @type {unknown} what the detail shows (redrawn only on a change) */
    this.detailShown = null;
    this.leader = hasRole(me, 'leader');
    this.list = null;
    this.profile = null;
    this.units = [];
    this.status = new Status('profiles-status');
    this.status.loading();
    this.msg = new Status('profile-action-status');
    this.filter = h('select', { id: 'prof-filter', 'data-testid': 'profiles-filter', onchange: () => this.render() },
      ['all', 'draft', 'submitted', 'approved', 'rejected', 'expired', 'closed'].map((v) => h('option', { value: v }, v === 'all' ? t('prof.filterAll') : stateText(v))));
    this.pendingList = h('div', { class: 'rep-list', 'data-testid': 'profiles-pending-list' });
    this.listBox = h('div', { class: 'rep-list', 'data-testid': 'profiles-list' });
    this.detail = h('div', { class: 'rep-detail-pane', 'aria-live': 'polite', 'data-testid': 'profile-detail-pane' });
    const alertsBox = h('div', { class: 'prof-alerts' });
    root.replaceChildren(h('section', { class: 'page profiles', 'data-testid': 'profiles' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('prof.title')),
        h('button', { type: 'button', class: 'primary', 'data-testid': 'profiles-new', onclick: () => this.edit(null) }, t('prof.new'))),
      this.status.el, alertsBox,
      h('div', { class: 'rep-layout' },
        h('div', { class: 'rep-lists' },
          h('section', { 'aria-labelledby': 'prof-pending-title', 'data-testid': 'profiles-pending' },
            h('h2', { id: 'prof-pending-title' }, t(this.leader ? 'prof.pendingLeader' : 'prof.pending')), this.pendingList),
          h('section', { 'aria-labelledby': 'prof-list-title' },
            h('div', { class: 'toolbar' }, h('h2', { id: 'prof-list-title' }, t('prof.all')), h('label', { for: 'prof-filter' }, t('prof.filter')), this.filter),
            this.listBox)),
        this.detail)));
    this.alerts = new AlertsPanel(root, alertsBox);
  }

  destroy() { this.alerts.stop(); }

  async refresh() {
    const one = this.id ? api.get(`/api/v1/profiles/${encodeURIComponent(this.id)}`).catch((e) => {
      if (e instanceof APIError && (e.status === 404 || e.status === 403)) return { error: e };
      throw e;
    }) : null;
    const [list, units, profile] = await Promise.all([api.get('/api/v1/profiles'), this.units.length ? this.units : api.get('/api/v1/units'), one]);
    Object.assign(this, { list, units });
    this.profile = profile?.error ? null : profile;
    this.detailError = profile?.error ?? null;
    if (this.status.el.dataset.kind !== 'ok') this.status.clear();
    this.render();
    this.renderDetail();
  }

  fail(e) { this.status.fail(e); }

  awaits(p) { return p.state === 'submitted' || !!p.pending; }

  render() {
    if (!this.list) return;
    const f = this.filter.value;
    const pending = this.list.filter((p) => this.awaits(p) && p.status !== 'closed');
    const rest = this.list.filter((p) => f === 'all' || p.status === f);
    if (same(this, [f, this.id, this.list, this.units])) return;
    this.pendingList.replaceChildren(...(pending.length ? pending.map((p) => this.item(p))
      : [h('p', { class: 'empty', 'data-testid': 'profiles-pending-empty' }, t('prof.pendingNone'))]));
    this.listBox.replaceChildren(...(rest.length ? rest.map((p) => this.item(p)) : [h('p', { class: 'empty' }, t('prof.none'))]));
  }

  item(p) {
    return h('a', { href: `#/profiles/${encodeURIComponent(p.id)}`, class: `rep-item st-${p.status}`, 'aria-current': p.id === this.id ? 'true' : null,
      'data-testid': `profile-item-${p.id}`, 'data-state': p.status },
    h('span', { class: 'rep-item-head' }, h('strong', {}, p.spec.title),
      h('span', { class: `rep-state st-${p.status}` }, stateText(p.status))),
    h('span', { class: 'muted small' }, [unitName(this.units, p.unit), p.author, p.armed ? t('prof.armed') : '', p.pending ? t('prof.hasRevision') : '']
      .filter(Boolean).join(' · ')));
  }

  renderDetail() {
    if (!this.id) { this.detail.replaceChildren(h('p', { class: 'empty' }, t('prof.select'))); return; }
    if (this.detailError) {
      const text = this.detailError.status === 404 ? t('prof.notFound') : errorText(this.detailError);
      this.detail.replaceChildren(h('p', { class: 'status bad', 'data-testid': 'profile-missing' }, text));
      return;
    }
    const p = this.profile;
    if (!p || same(this.detailShown ??= {}, [p, this.units])) return;
    this.detail.replaceChildren(this.card(p));
  }

  card(p) {
    const s = p.spec;
    const row = (k, v, id) => [h('dt', {}, t(k)), h('dd', { 'data-testid': id }, v || '—')];
    const sc = s.scope || {};
    const w = s.window || {};
    const win = [w.from ? t('prof.fromAt', formatTime(w.from, true)) : '', w.to ? t('prof.toAt', formatTime(w.to, true)) : '',
      w.daily ? t('prof.dailyAt', w.daily.start, w.daily.end) : ''].filter(Boolean).join(' · ') || t('prof.always');
    return h('article', { class: `rep-detail panel st-${p.status}`, 'data-testid': 'profile-detail', 'data-id': p.id, 'data-state': p.status, 'data-armed': String(p.armed) },
      h('header', { class: 'rep-detail-head' }, h('h2', { 'data-testid': 'profile-detail-title' }, s.title),
        h('span', { class: `rep-state st-${p.status}`, 'data-testid': 'profile-detail-state' }, stateText(p.status))),
      p.armed ? h('p', { class: 'notice', 'data-testid': 'profile-armed' }, t('prof.armedNow')) : null,
      p.pending ? h('p', { class: 'warning', 'data-testid': 'profile-pending-revision' }, t('prof.pendingRevision', p.pending.number, p.pending.author)) : null,
      h('dl', { class: 'rep-meta' },
        ...row('prof.unit', unitName(this.units, p.unit)), ...row('prof.author', p.author), ...row('prof.revision', String(p.revision)),
        ...row('prof.window', win, 'profile-detail-window'),
        ...row('prof.vehicles', (sc.vehicles || []).join(', ')), ...row('prof.cameras', (sc.cameras || []).join(', ')),
        ...row('prof.sites', (sc.sites || []).join(', ')), ...row('prof.routes', (sc.routes || []).join(', ')),
        ...row('prof.plates', (sc.plates || []).join(', ')), ...row('prof.enterprises', (sc.enterprises || []).join(', ')),
        ...row('prof.keywords', (sc.keywords || []).join(', ')),
        ...row('prof.rules', (s.rules || []).map((r) => t(RULE_TEXT[r.type] || r.type)).join(', '), 'profile-detail-rules'),
        ...row('prof.watchers', [(s.watchers || []).join(', '), s.watch_on_duty ? t('prof.onDutyShort') : ''].filter(Boolean).join(' + '), 'profile-detail-watchers'),
        p.decided_by ? row('prof.decidedBy', `${p.decided_by} · ${formatTime(p.decided, true)}${p.note ? ` — ${p.note}` : ''}`, 'profile-detail-decision') : null),
      h('h3', {}, t('prof.content')), h('p', { class: 'rep-text' }, s.content || '—'),
      h('h3', {}, t('prof.requirements')), h('p', { class: 'rep-text' }, s.requirements || '—'),
      this.actions(p), this.msg.el,
      h('h3', {}, t('prof.history')),
      h('ol', { class: 'rep-timeline', 'data-testid': 'profile-history' }, (p.history || []).map((st, i) => h('li', { class: 'rep-step', 'data-testid': `profile-step-${i}`, 'data-what': st.action },
        h('span', { class: 'rep-step-time' }, formatTime(st.time, true)), ' ', h('strong', {}, STEP[st.action] ? t(STEP[st.action]) : st.action),
        ` · ${st.by} · ${t('prof.revisionN', st.revision)}`, st.note ? h('p', { class: 'rep-step-note' }, st.note) : null))));
  }

  actions(p) {
    const out = [];
    const mine = p.author === this.me.username || p.pending?.author === this.me.username;
    if (['draft', 'rejected', 'approved'].includes(p.state) && p.status !== 'expired' && !p.pending) {
      out.push(h('button', { type: 'button', 'data-testid': 'profile-edit', onclick: () => this.edit(p) }, t(p.state === 'approved' ? 'prof.revise' : 'prof.edit')));
    }
    if (p.state === 'draft') out.push(h('button', { type: 'button', class: 'primary', 'data-testid': 'profile-submit', onclick: () => this.op(p, 'submit') }, t('prof.submit')));
    if (this.leader && this.awaits(p) && p.state !== 'closed') {
      out.push(h('button', { type: 'button', class: 'primary big', disabled: mine, 'data-testid': 'profile-approve', onclick: () => this.decide(p, true) }, t('prof.approve')),
        h('button', { type: 'button', class: 'danger big', disabled: mine, 'data-testid': 'profile-reject', onclick: () => this.decide(p, false) }, t('prof.reject')));
    }
    if (p.state !== 'closed') out.push(h('button', { type: 'button', class: 'danger', 'data-testid': 'profile-close', onclick: () => this.close(p) }, t('prof.close')));
    const own = this.leader && mine && this.awaits(p) ? h('p', { class: 'muted small', 'data-testid': 'profile-own' }, t('prof.ownNoDecide')) : null;
    return out.length ? h('div', { class: 'rep-actions' }, own, h('div', { class: 'row-actions' }, out)) : null;
  }

  edit(p) {
    openProfileForm({ profile: p, me: this.me, onSaved: (saved) => { this.msg.ok(t('prof.saved')); location.hash = `#/profiles/${encodeURIComponent(saved.id)}`; this.refresh().catch(() => {}); } })
      .catch((e) => this.status.fail(e));
  }

  async act(fn, done) {
    try {
      await fn();
      this.msg.ok(done);
    } catch (e) {
      this.msg.fail(e);
    }
    await this.refresh().catch(() => {});
  }

  op(p, what) { return this.act(() => api.post(`/api/v1/profiles/${encodeURIComponent(p.id)}/${what}`, {}), t('prof.submitted')); }

  async decide(p, approve) {
    const note = await dialog({ title: t(approve ? 'prof.approveTitle' : 'prof.rejectTitle'), body: p.spec.title, ok: t(approve ? 'prof.approve' : 'prof.reject'),
      danger: !approve, input: { label: t('prof.note'), required: !approve } });
    if (note === null) return;
    await this.act(() => api.post(`/api/v1/profiles/${encodeURIComponent(p.id)}/decision`, { approve, note }), t(approve ? 'prof.approved' : 'prof.rejected'));
  }

  async close(p) {
    const note = await dialog({ title: t('prof.closeTitle'), body: p.spec.title, ok: t('prof.close'), danger: true, input: { label: t('prof.note') } });
    if (note === null) return;
    await this.act(() => api.post(`/api/v1/profiles/${encodeURIComponent(p.id)}/close`, { note }), t('prof.closed'));
  }
}
