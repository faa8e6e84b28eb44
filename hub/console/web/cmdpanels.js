// The command centre's panels: a titled box with a count, rows, an empty
// note and an error line, and the rows each source makes.
import { h } from './core/dom.js';
import { t, formatTime, formatHM } from './i18n.js';
import { isZero } from './ui.js';
import { ENTRY_KIND } from './dutylog.js';

// KIND names what awaits approval.
export const KIND = { roster: 'cc.kindRoster', publish: 'cc.kindPublish', report: 'cc.kindReport', profile: 'cc.kindProfile' };

// SLOT names a roster slot.
export const SLOT = { shift_leader: 'cc.slotShiftLeader', division_leader: 'cc.slotDivisionLeader', office: 'cc.slotOffice', surveillance: 'cc.slotSurveillance' };

// panel makes a box; fill(rows) shows rows (or the empty note), error(msg)
// shows what failed.
export function panel(titleKey, testid, { counted = true } = {}) {
  const count = h('span', { class: 'count', 'data-testid': `${testid}-count`, hidden: true });
  const body = h('ul', { class: 'cc-list' });
  const err = h('p', { class: 'error', role: 'alert' });
  const el = h('section', { class: 'cc-panel', 'data-testid': testid, 'aria-labelledby': `${testid}-title` },
    h('h2', { id: `${testid}-title` }, t(titleKey), ' ', count), body, err);
  return {
    el,
    body,
    fill(rows) {
      count.hidden = !counted || !rows.length;
      count.textContent = String(rows.length);
      count.dataset.count = String(rows.length);
      body.replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty' }, t('cc.none'))]));
    },
    error(msg) { err.textContent = msg; },
  };
}

// dayMonth is DD/MM of an instant in Vietnam time.
const dayMonth = (iso) => { const d = new Date(Date.parse(iso) + 7 * 3600e3).toISOString(); return `${d.slice(8, 10)}/${d.slice(5, 7)}`; };
const row = (attrs, ...children) => h('li', { class: 'cc-row', ...attrs }, ...children);
const when = (iso) => h('time', { datetime: iso, class: 'muted small' }, formatTime(iso, true));

// onDutyStrip shows the shift running now: whether I am on it, and who
// is; off shift, when my next shift starts (shifts: mine ahead).
export function onDutyStrip(strip, me, list, shifts = []) {
  const mine = list.filter((d) => d.officer === me.username);
  const next = shifts.find((s) => Date.parse(s.start) > Date.now());
  const status = mine.length
    ? h('strong', { class: 'badge on', 'data-testid': 'cc-on-shift' }, t('cc.onShift', t(SLOT[mine[0].role] ?? mine[0].role), formatHM(mine[0].end)))
    : h('strong', { class: 'badge', 'data-testid': 'cc-off-shift' }, t('cc.offShift'),
      next ? h('span', { 'data-testid': 'cc-next-shift' }, ` · ${t('cc.nextShift', `${formatHM(next.start)} ${dayMonth(next.start)}`, t(SLOT[next.role] ?? next.role))}`) : '');
  const people = list.length
    ? list.map((d) => h('span', { class: d.officer === me.username ? 'cc-who me' : 'cc-who', 'data-testid': 'cc-duty-officer' },
      h('span', { class: 'muted' }, `${t(SLOT[d.role] ?? d.role)}: `), h('span', { title: d.officer }, d.name || d.officer)))
    : [h('span', { class: 'muted' }, t('cc.noRoster'))];
  const shift = list[0] ? `${formatTime(list[0].start, true)} → ${formatTime(list[0].end, true)}` : '';
  strip.replaceChildren(status, h('span', { class: 'muted small' }, shift), h('span', { class: 'cc-people' }, ...people));
}

// instructionRows: instructions addressed to me not yet acknowledged, and
// (for those who send them) the ones sent that are overdue.
export function instructionRows(list, me) {
  const out = [];
  for (const ins of list) {
    const forMe = ins.to.find((r) => r.user === me.username && r.state !== 'acknowledged');
    if (!forMe && !(ins.overdue && ins.from === me.username)) continue;
    out.push(row({ 'data-testid': 'cc-instruction', 'data-urgent': String(!!ins.urgent), 'data-overdue': String(!!ins.overdue) },
      ins.urgent ? h('span', { class: 'badge off' }, t('ins.urgentBadge')) : '',
      h('a', { href: '#/instructions', class: 'clamp', title: ins.text }, ins.text),
      h('span', { class: 'muted small' }, forMe ? t('cc.fromWho', ins.from_name || ins.from) : t('cc.overdueSent')),
      when(ins.created)));
  }
  return out;
}

// incidentRows: open incidents, overdue first, then by due date.
export function incidentRows(list) {
  const sorted = [...list].sort((a, b) => (b.overdue - a.overdue) || a.due.localeCompare(b.due));
  return sorted.map((inc) => row({ 'data-testid': 'cc-incident', 'data-overdue': String(!!inc.overdue) },
    h('a', { href: `#/incidents?id=${encodeURIComponent(inc.id)}` }, inc.title || inc.id),
    h('span', { class: 'muted small' }, [inc.vehicle, inc.camera].filter(Boolean).join(' / ')),
    h('span', { class: inc.overdue ? 'badge off' : 'muted small' }, inc.overdue ? t('cc.overdue') : t('cc.due', formatTime(inc.due, true).slice(-10))),
    inc.update_missing ? h('span', { class: 'badge off', title: t('cc.updateMissing') }, t('cc.noUpdate')) : ''));
}

// systemAlertRows: the latest tamper, storage and lost-recording alerts.
export function systemAlertRows(list) {
  return list.slice(0, 8).map((a) => row({ 'data-testid': 'cc-system-alert', 'data-kind': a.kind },
    h('span', {}, a.message), h('span', { class: 'muted small' }, a.vehicle || ''), when(a.time)));
}

// approvalRows: what awaits a leader's decision, oldest first.
export function approvalRows(items) {
  return items.sort((a, b) => String(a.time).localeCompare(String(b.time))).map((it) => row({ 'data-testid': 'cc-approval', 'data-kind': it.kind },
    h('span', { class: 'badge' }, t(KIND[it.kind])),
    h('a', { href: it.href }, it.text), isZero(it.time) ? '' : when(it.time)));
}

// reportSummary: the day's duty report in figures, with its downloads.
export function reportSummary(rep, unit, shift) {
  const counts = Object.entries(rep.counts || {});
  const rows = counts.map(([k, n]) => row({ 'data-testid': 'cc-report-count', 'data-kind': k }, h('span', {}, t(ENTRY_KIND[k] ?? k)), h('strong', {}, String(n))));
  rows.push(row({}, h('span', {}, t('cc.openItems')), h('strong', { 'data-testid': 'cc-report-open' }, String((rep.open || []).length))));
  rows.push(row({}, h('a', { href: `#/dutylog?unit=${unit}&shift=${shift}` }, t('cc.openReport')),
    h('a', { href: `/api/v1/dutylog/report?unit=${unit}&shift=${shift}&format=pdf`, download: '' }, 'PDF'),
    h('a', { href: `/api/v1/dutylog/report?unit=${unit}&shift=${shift}&format=xlsx`, download: '' }, 'XLSX')));
  return rows;
}

// MISSION names a mission's state.
export const MISSION = { planned: 'cc.missionPlanned', active: 'cc.missionActive' };

// missionRows: the missions running now, then those planned to start in
// the next 24 hours, soonest first.
export function missionRows(list, now = Date.now()) {
  const soon = list.filter((m) => m.state === 'active' || (m.state === 'planned' && Date.parse(m.from) - now < 24 * 3600e3))
    .sort((a, b) => (a.state === b.state ? a.from.localeCompare(b.from) : a.state === 'active' ? -1 : 1));
  return soon.map((m) => row({ 'data-testid': 'cc-mission', 'data-state': m.state },
    h('span', { class: m.state === 'active' ? 'badge on' : 'badge' }, t(MISSION[m.state])),
    h('a', { href: `#/missions/${encodeURIComponent(m.id)}` }, `${m.vehicle} · ${m.site || m.purpose}`),
    h('span', { class: 'muted small' }, `${formatHM(m.from)}–${formatHM(m.to)}`)));
}

// GAP names why a camera is unwatched.
export const GAP = { no_assignment: 'cov.noAssignment', officer_off_duty: 'cov.offDuty', camera_added_after_assignment: 'cov.addedLater' };

// coverageRows: the shift's coverage in one line, then every camera that
// nobody on duty watches now, with why.
export function coverageRows(res, now = Date.now()) {
  const sum = res.coverage.summary;
  const rows = [row({ 'data-testid': 'cc-coverage-summary', 'data-percent': String(Math.round(sum.covered_percent)) },
    h('a', { href: '#/watch' }, t('cov.summary', Math.round(sum.covered_percent), sum.cameras, sum.fully_covered, sum.fully_uncovered)))];
  for (const c of res.coverage.cameras) {
    const key = `${c.camera.vehicle}/${c.camera.camera}`;
    const gap = (c.uncovered || []).find((g) => Date.parse(g.from) <= now && now < Date.parse(g.to));
    if (!gap) continue;
    rows.push(row({ 'data-testid': 'cc-uncovered', 'data-camera': key, 'data-reason': gap.reason },
      h('span', { class: 'badge off' }, t('cov.nobody')), h('span', {}, res.names?.[key] || key),
      h('span', { class: 'muted small' }, t(GAP[gap.reason] ?? gap.reason, (gap.officers || []).join(', ')))));
  }
  return rows;
}
