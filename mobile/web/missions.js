// The crew's mission card, at the top of the home screen: the mission the
// crew is on (running, else the next one, else one that ended without its
// closing report) with its purpose, site or route, window, state and a
// countdown, and the closing-report form. The report goes through the
// outbox (kind 'mclose' at the hub, 'vmclose' on the vehicle), so it is
// kept without a network.
import { h } from './core/dom.js';
import { formatTime, t } from './i18n.js';

const STATE = { planned: 'mis.planned', active: 'mis.active', closed: 'mis.closed', cancelled: 'mis.cancelled' };

// RECENT is how long a closed mission stays on the card.
const RECENT = 12 * 3600 * 1000;

// current picks the mission to show: the running one, else the next one,
// else one that ended without its report, else the last closed recently.
export function current(list, now = Date.now()) {
  const ms = (list ?? []).filter((m) => m.state !== 'cancelled');
  const running = ms.find((m) => m.state === 'active' || (m.state === 'planned' && Date.parse(m.from) <= now && now < Date.parse(m.to)));
  if (running) return running;
  const next = ms.filter((m) => m.state === 'planned').sort((a, b) => Date.parse(a.from) - Date.parse(b.from))[0];
  const closed = ms.filter((m) => m.state === 'closed').sort((a, b) => Date.parse(b.closed) - Date.parse(a.closed));
  return next ?? closed.find((m) => !m.report) ?? closed.find((m) => now - Date.parse(m.closed) < RECENT) ?? null;
}

// left writes a duration as "1 giờ 5 phút".
function left(ms) {
  const min = Math.max(0, Math.round(ms / 60000));
  const hrs = Math.floor(min / 60);
  return hrs ? t('mis.hm', hrs, min % 60) : t('mis.m', min);
}

export class MissionCard {
  constructor(app) {
    this.app = app;
    this.sig = '';
    this.el = h('section', { class: 'mission-card', 'data-testid': 'mission-card', hidden: true });
  }

  update() {
    const m = current(this.app.data.missions);
    const queued = m && this.app.outbox.items.some((i) => (i.kind === 'mclose' || i.kind === 'vmclose') && i.payload.id === m.id);
    if (!m) { this.el.hidden = true; this.sig = ''; return; }
    this.el.hidden = false;
    const now = Date.now();
    const running = m.state === 'active' || (m.state === 'planned' && Date.parse(m.from) <= now);
    const state = running && m.state === 'planned' ? 'active' : m.state;
    const countdown = m.state === 'closed' ? t('mis.ended', formatTime(m.closed))
      : running ? t('mis.endsIn', left(Date.parse(m.to) - now)) : t('mis.startsIn', left(Date.parse(m.from) - now));
    // Rebuilt only when the mission changes: a report being typed stays.
    const key = JSON.stringify([m.id, m.rev, state, queued, Boolean(m.report)]);
    if (key === this.sig && this.el.firstChild) {
      this.el.querySelector('[data-testid="mission-countdown"]').textContent = countdown;
      return;
    }
    this.sig = key;
    const route = [m.site, ...(m.waypoints ?? []).map((w) => w.name || `${w.lat}, ${w.lon}`)].filter(Boolean).join(' → ');
    this.el.dataset.state = state;
    this.el.dataset.id = m.id;
    this.el.replaceChildren(
      h('div', { class: 'mc-head' }, h('strong', {}, t('mis.title')),
        h('span', { class: `mc-state ${state}`, 'data-testid': 'mission-state', dataset: { state } }, t(STATE[state] ?? 'mis.planned'))),
      h('p', { class: 'mc-purpose', 'data-testid': 'mission-purpose' }, m.purpose),
      h('p', {}, h('span', { class: 'muted' }, t('mis.site')), ' ', route || '—'),
      h('p', {}, h('span', { class: 'muted' }, t('mis.window')), ' ', `${formatTime(m.from)} – ${formatTime(m.to)}`),
      m.instructions ? h('p', { class: 'mc-instr' }, m.instructions) : null,
      h('p', { class: 'mc-countdown', 'data-testid': 'mission-countdown' }, countdown),
      m.report ? h('p', { class: 'mc-report', 'data-testid': 'mission-report' }, t('mis.reported', m.report.by, m.report.summary)) : null,
      queued ? h('p', { class: 'note', 'data-testid': 'mission-report-queued' }, t('mis.queued'))
        : running || (m.state === 'closed' && !m.report) ? this.form(m) : null);
  }

  form(m) {
    const summary = h('textarea', { id: 'mc-summary', rows: 3, required: true, 'data-testid': 'mission-summary' });
    const findings = h('textarea', { id: 'mc-findings', rows: 3, 'data-testid': 'mission-findings' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const details = h('details', { class: 'mc-close' }, h('summary', { 'data-testid': 'mission-close-open' }, t('mis.closeTitle')),
      h('form', { 'data-testid': 'mission-close', onsubmit: async (e) => {
        e.preventDefault();
        if (!summary.value.trim()) { err.hidden = false; err.textContent = t('mis.needSummary'); return; }
        const kind = this.app.mode.mode === 'vehicle' ? 'vmclose' : 'mclose';
        await this.app.outbox.add(kind, { label: m.purpose, payload: { id: m.id, summary: summary.value.trim(), findings: findings.value.trim() } });
      } },
      h('label', { for: 'mc-summary' }, t('mis.summary')), summary,
      h('label', { for: 'mc-findings' }, t('mis.findings')), findings, err,
      h('button', { type: 'submit', 'data-testid': 'mission-close-submit' }, t('mis.closeBtn'))));
    return details;
  }
}
