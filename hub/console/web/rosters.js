// Duty rosters: the list of a unit's rosters; generating a draft (unit,
// from, to); a month calendar of the roster (each day's shift and its
// officers by role, night, weekend and holiday marks, one's own shifts
// highlighted); the slots it could not fill and why; the officers' load;
// swaps and replacements proposed and decided by a leader with a note;
// publication; and the officers' leave, which generation respects.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatHM } from './i18n.js';
import { Status, dialog, hasRole, isZero, same, unitOptions, unitName } from './ui.js';
import { LeavePanel } from './leave.js';

// Roster roles of the API, and how the console names them.
export const SLOT = { shift_leader: 'ros.shiftLeader', division_leader: 'ros.divisionLeader', office: 'ros.office', surveillance: 'ros.surveillance' };

const ZONE = 'Asia/Ho_Chi_Minh';
const dayOf = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const dmy = (iso) => dayOf(iso).split('-').reverse().join('/');
const slot = (r) => (SLOT[r] ? t(SLOT[r]) : r);

export class RostersView {
  constructor(root, { me, params }) {
    this.every = 15000;
    this.me = me;
    this.id = params.get('id') || '';
    this.month = '';
    this.units = [];
    this.status = new Status('ros-status');
    this.status.loading();
    this.listEl = h('div', { class: 'table-wrap', 'data-testid': 'ros-list' });
    this.detail = h('div', { 'data-testid': 'ros-detail' });
    this.writer = hasRole(me, 'leader', 'duty');
    this.leave = new LeavePanel({ me });
    root.replaceChildren(h('section', { class: 'page rosters', 'data-testid': 'rosters' },
      h('div', { class: 'toolbar' }, h('h1', {}, t('ros.title'))),
      h('p', { class: 'muted' }, t('ros.help')), this.status.el,
      this.writer ? this.generateForm() : null,
      h('h2', {}, t('ros.list')), this.listEl, this.detail, this.leave.el));
  }

  generateForm() {
    this.unitSel = h('select', { id: 'ros-unit', 'data-testid': 'ros-unit' });
    const from = h('input', { id: 'ros-from', type: 'date', required: true, 'data-testid': 'ros-from' });
    const to = h('input', { id: 'ros-to', type: 'date', required: true, 'data-testid': 'ros-to' });
    const preset = h('select', { id: 'ros-preset', 'data-testid': 'ros-preset' },
      h('option', { value: '24h' }, t('ros.preset24h')), h('option', { value: 'office_hours' }, t('ros.presetOffice')));
    const st = new Status('ros-gen-status');
    const btn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'ros-generate' }, t('ros.generate'));
    return h('form', { class: 'filters card', 'data-testid': 'ros-gen-form', onsubmit: async (e) => {
      e.preventDefault();
      btn.disabled = true;
      st.show('loading', t('ros.generating'));
      try {
        const v = await api.post('/api/v1/rosters', { unit: this.unitSel.value, from: from.value, to: to.value, preset: preset.value });
        st.ok(t('ros.generated', v.roster.assignments?.length ?? 0, v.roster.unfilled?.length ?? 0));
        this.open(v.id);
      } catch (err) { st.fail(err); } finally { btn.disabled = false; }
    } },
    h('div', { class: 'field' }, h('label', { for: 'ros-unit' }, t('ros.unit')), this.unitSel),
    h('div', { class: 'field' }, h('label', { for: 'ros-from' }, t('ros.from')), from),
    h('div', { class: 'field' }, h('label', { for: 'ros-to' }, t('ros.toExcl')), to),
    h('div', { class: 'field' }, h('label', { for: 'ros-preset' }, t('ros.preset')), preset),
    h('div', { class: 'form-actions' }, btn), st.el);
  }

  open(id) {
    this.id = id;
    this.month = '';
    this.shownDetail = null;
    history.replaceState(null, '', `#/rosters?id=${encodeURIComponent(id)}`);
    this.refresh().catch((e) => this.status.fail(e));
  }

  async refresh() {
    if (!this.units.length) {
      this.units = await api.get('/api/v1/units').catch(() => []);
      if (this.unitSel) this.unitSel.replaceChildren(...unitOptions(this.units, this.me.unit));
      this.leave.setUnits(this.units);
    }
    const list = await api.get('/api/v1/rosters');
    if (!same(this, list)) this.renderList(list);
    if (this.id) {
      const v = await api.get(`/api/v1/rosters/${encodeURIComponent(this.id)}`);
      // Someone typing in the detail's forms keeps what they typed: the
      // change shows at the first refresh after they leave the field.
      const typing = this.detail.contains(document.activeElement) && document.activeElement.matches('input, select, textarea');
      if (!typing && JSON.stringify(v) !== this.shownDetail) {
        this.shownDetail = JSON.stringify(v);
        this.renderDetail(v);
      }
    }
    await this.leave.refresh(this.unitSel?.value || this.me.unit);
    this.status.clear();
  }

  renderList(list) {
    list.sort((a, b) => (a.From < b.From ? 1 : -1));
    this.listEl.replaceChildren(list.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['ros.unit', 'ros.period', 'ros.state', 'ros.shifts', 'ros.unfilled', 'ros.pending', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, list.map((r) => h('tr', { 'data-testid': 'ros-row', 'data-id': r.ID, class: r.ID === this.id ? 'selected' : '' },
        h('td', {}, unitName(this.units, r.Unit)), h('td', {}, `${dmy(r.From)} – ${dmy(new Date(Date.parse(r.To) - 1).toISOString())}`),
        h('td', {}, h('span', { class: `badge ${r.Published ? 'on' : 'warn'}` }, t(r.Published ? 'ros.published' : 'ros.draft'))),
        h('td', {}, r.Shifts), h('td', { class: r.Unfilled ? 'bad' : '' }, r.Unfilled), h('td', {}, r.PendingOverrides || ''),
        h('td', {}, h('button', { type: 'button', class: 'small', 'data-testid': 'ros-open', onclick: () => this.open(r.ID) }, t('ros.open'))))))) :
      h('p', { class: 'empty' }, t('ros.none')));
  }

  renderDetail(v) {
    const eff = { ...v.effective, assignments: v.effective?.assignments || [], unfilled: v.effective?.unfilled || [], officers: v.effective?.officers || {} };
    const name = (id) => eff.officers?.[id]?.name || id;
    const months = [];
    for (let d = new Date(v.from); d < new Date(v.to); d = new Date(d.getTime() + 86400000)) {
      const m = dayOf(d.toISOString()).slice(0, 7);
      if (!months.includes(m)) months.push(m);
    }
    if (!months.includes(this.month)) this.month = months[0];
    const monthSel = h('select', { id: 'ros-month', 'data-testid': 'ros-month', onchange: () => { this.month = monthSel.value; this.renderDetail(v); } },
      months.map((m) => h('option', { value: m, selected: m === this.month }, m.split('-').reverse().join('/'))));
    const leader = hasRole(this.me, 'leader');
    this.detail.replaceChildren(h('section', { class: 'card ros-detail', 'aria-labelledby': 'ros-detail-title' },
      h('div', { class: 'toolbar' }, h('h2', { id: 'ros-detail-title' }, t('ros.detail', unitName(this.units, v.unit), dmy(v.from), dmy(new Date(Date.parse(v.to) - 1).toISOString()))),
        h('span', { class: `badge ${isZero(v.published) ? 'warn' : 'on'}`, 'data-testid': 'ros-state' }, t(isZero(v.published) ? 'ros.draft' : 'ros.published')),
        h('label', { for: 'ros-month' }, t('ros.month')), monthSel,
        leader && isZero(v.published) ? h('button', { type: 'button', class: 'primary', 'data-testid': 'ros-publish', onclick: () => this.publish(v) }, t('ros.publish')) : null),
      this.monthGrid(v, eff, name),
      this.unfilled(eff, name), this.load(eff, name), this.overrides(v, eff, name)));
  }

  monthGrid(v, eff, name) {
    const [y, m] = this.month.split('-').map(Number);
    const byDay = new Map();
    for (const a of eff.assignments) { const d = dayOf(a.start); if (!byDay.has(d)) byDay.set(d, []); byDay.get(d).push(a); }
    const holes = new Map();
    for (const u of eff.unfilled) { const d = dayOf(u.start); holes.set(d, (holes.get(d) || 0) + 1); }
    const first = new Date(Date.UTC(y, m - 1, 1));
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const cells = [];
    for (let i = 0; i < (first.getUTCDay() + 6) % 7; i++) cells.push(h('td', { class: 'ros-pad' }));
    const rows = [];
    for (let d = 1; d <= days; d++) {
      const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const list = (byDay.get(date) || []).sort((a, b) => Object.keys(SLOT).indexOf(a.role) - Object.keys(SLOT).indexOf(b.role));
      const mine = list.some((a) => a.officer === this.me.username);
      const marks = list[0] ? [list[0].night ? h('span', { class: 'mark', title: t('ros.night') }, '☾') : null,
        list[0].weekend ? h('span', { class: 'mark', title: t('ros.weekend') }, 'T7/CN') : null,
        list[0].holiday ? h('span', { class: 'mark holiday', title: t('ros.holiday') }, t('ros.holidayShort')) : null] : [];
      cells.push(h('td', { class: `ros-day${mine ? ' mine' : ''}${holes.get(date) ? ' holes' : ''}`, 'data-date': date, 'data-testid': 'ros-day' },
        h('div', { class: 'ros-dayhead' }, h('b', {}, String(d)), marks),
        list.map((a) => h('div', { class: `ros-a${a.officer === this.me.username ? ' me' : ''}`, title: `${a.shift} ${formatHM(a.start)}–${formatHM(a.end)}` },
          h('span', { class: 'muted' }, `${slot(a.role)}: `), name(a.officer))),
        holes.get(date) ? h('div', { class: 'ros-hole' }, t('ros.holes', holes.get(date))) : null));
      if (cells.length === 7) rows.push(h('tr', {}, cells.splice(0)));
    }
    if (cells.length) rows.push(h('tr', {}, cells));
    const dows = ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];
    return h('div', { class: 'table-wrap' }, h('table', { class: 'ros-month', 'data-testid': 'ros-grid' },
      h('caption', { class: 'muted small' }, t('ros.gridHelp')),
      h('thead', {}, h('tr', {}, dows.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows)));
  }

  unfilled(eff, name) {
    return h('section', { 'data-testid': 'ros-unfilled' }, h('h3', {}, t('ros.unfilledTitle', eff.unfilled.length)),
      eff.unfilled.length ? h('table', { class: 'data' },
        h('thead', {}, h('tr', {}, ['ros.day', 'ros.role', 'ros.why'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, eff.unfilled.map((u) => h('tr', { 'data-testid': 'ros-unfilled-row' },
          h('td', {}, `${dmy(u.start)} ${formatHM(u.start)}`), h('td', {}, slot(u.role)),
          h('td', {}, h('div', { 'data-testid': 'ros-unfilled-summary' }, u.summary),
            h('details', {}, h('summary', {}, t('ros.perOfficer')),
              h('ul', { class: 'small' }, Object.entries(u.reasons || {}).map(([o, why]) => h('li', {}, `${name(o)}: ${why}`))))))))) :
        h('p', { class: 'empty' }, t('ros.allFilled')));
  }

  load(eff, name) {
    const rows = Object.entries(eff.load || {}).sort((a, b) => b[1].shifts - a[1].shifts);
    return h('section', { 'data-testid': 'ros-load' }, h('h3', {}, t('ros.loadTitle')),
      h('table', { class: 'data' }, h('thead', {}, h('tr', {}, ['ros.officer', 'ros.shifts', 'ros.nights', 'ros.weekends', 'ros.holidays', 'ros.hours'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows.map(([o, l]) => h('tr', { class: o === this.me.username ? 'mine' : '' }, h('td', {}, name(o)), h('td', {}, l.shifts), h('td', {}, l.nights),
          h('td', {}, l.weekends), h('td', {}, l.holidays), h('td', {}, Math.round(l.hours / 3.6e12)))))));
  }

  overrides(v, eff, name) {
    const leader = hasRole(this.me, 'leader');
    const state = (o) => (o.approved ? ['on', 'ros.approved'] : o.rejected ? ['off', 'ros.rejected'] : ['warn', 'ros.pendingOne']);
    const list = v.overrides.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['ros.day', 'ros.role', 'ros.fromOfficer', 'ros.toOfficer', 'ros.state', 'ros.note', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, v.overrides.map((o) => h('tr', { 'data-testid': 'ros-override', 'data-n': o.n },
        h('td', {}, dmy(o.start)), h('td', {}, slot(o.role)), h('td', {}, name(o.from)), h('td', {}, name(o.to)),
        h('td', {}, h('span', { class: `badge ${state(o)[0]}` }, t(state(o)[1]))), h('td', { class: 'small' }, o.note || ''),
        h('td', {}, leader && isZero(o.decided) ? [
          h('button', { type: 'button', class: 'small primary', 'data-testid': 'ros-approve', onclick: () => this.decide(v, o, true) }, t('ros.approve')), ' ',
          h('button', { type: 'button', class: 'small danger', 'data-testid': 'ros-reject', onclick: () => this.decide(v, o, false) }, t('ros.reject'))] : null))))) :
      h('p', { class: 'empty' }, t('ros.noOverrides'));
    return h('section', { 'data-testid': 'ros-overrides' }, h('h3', {}, t('ros.overridesTitle')), list, this.writer ? this.proposeForm(v, eff, name) : null);
  }

  proposeForm(v, eff, name) {
    const shiftSel = h('select', { id: 'ros-prop-shift', required: true, 'data-testid': 'ros-prop-shift' },
      eff.assignments.map((a, i) => h('option', { value: i }, `${dmy(a.start)} · ${slot(a.role)} · ${name(a.officer)}`)));
    const toSel = h('select', { id: 'ros-prop-to', required: true, 'data-testid': 'ros-prop-to' },
      Object.values(eff.officers || {}).map((o) => h('option', { value: o.id }, o.name || o.id)));
    const note = h('input', { id: 'ros-prop-note', maxlength: 500, 'data-testid': 'ros-prop-note' });
    const st = new Status('ros-prop-status');
    return h('form', { class: 'filters', 'data-testid': 'ros-propose', onsubmit: async (e) => {
      e.preventDefault();
      const a = eff.assignments[Number(shiftSel.value)];
      try {
        await api.post(`/api/v1/rosters/${encodeURIComponent(v.id)}/overrides`, { shift: a.shift, start: a.start, role: a.role, from: a.officer, to: toSel.value, note: note.value.trim() });
        st.ok(t('ros.proposed'));
        this.shownDetail = null;
        await this.refresh();
      } catch (err) { st.fail(err); }
    } },
    h('div', { class: 'field' }, h('label', { for: 'ros-prop-shift' }, t('ros.propShift')), shiftSel),
    h('div', { class: 'field' }, h('label', { for: 'ros-prop-to' }, t('ros.toOfficer')), toSel),
    h('div', { class: 'field grow' }, h('label', { for: 'ros-prop-note' }, t('ros.note')), note),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'ros-prop-submit' }, t('ros.propose'))), st.el);
  }

  async decide(v, o, approve) {
    const note = await dialog({ title: t(approve ? 'ros.approveTitle' : 'ros.rejectTitle', o.n), ok: t(approve ? 'ros.approve' : 'ros.reject'), danger: !approve,
      input: { label: t('ros.note'), required: !approve } });
    if (note === null) return;
    try {
      await api.post(`/api/v1/rosters/${encodeURIComponent(v.id)}/overrides/${o.n}/decision`, { approve, note });
      this.shownDetail = null;
      await this.refresh();
    } catch (e) { this.status.fail(e); }
  }

  async publish(v) {
    if (!await dialog({ title: t('ros.publishTitle'), body: t('ros.publishBody'), ok: t('ros.publish') })) return;
    try {
      await api.post(`/api/v1/rosters/${encodeURIComponent(v.id)}/publish`);
      this.shownDetail = null;
      await this.refresh();
    } catch (e) { this.status.fail(e); }
  }

  fail(e) { this.status.fail(e); }
}
