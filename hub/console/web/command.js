// The command centre: one screen for the officer on shift (their shift and
// who is on it with them, their tour of assigned cameras, open alerts,
// instructions awaiting them, incidents due, the map of vehicles and
// the missions running or due today) and, for a leader, what awaits approval and the day's duty
// report. Every panel refreshes with the page; a panel whose source fails
// says so and the others carry on.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { MapView } from './map.js';
import { hasRole, errorText, unitName } from './ui.js';
import { AlertsPanel } from './profilealerts.js';
import { TourPlayer } from './tour.js';
import { currentShift } from './dutylog.js';
import { panel, onDutyStrip, instructionRows, incidentRows, systemAlertRows, approvalRows, reportSummary, missionRows, coverageRows } from './cmdpanels.js';

export const COMMAND_ROLES = ['leader', 'duty', 'surveillance'];
export const REFRESH = 5000;

export class CommandView {
  constructor(app, { me }) {
    this.me = me;
    this.every = REFRESH;
    this.leader = hasRole(me, 'leader');
    /** @type {any[] | undefined} the units, read once */
    this.units = undefined;
    this.map = new MapView({ compact: true });
    this.panels = {};
    const mk = (key, title, testid, opts) => (this.panels[key] = panel(title, testid, opts));
    this.strip = h('section', { class: 'cc-strip', 'data-testid': 'cc-shift', 'aria-live': 'polite' });
    const left = h('div', { class: 'cc-col' },
      hasRole(me, 'leader', 'duty') ? mk('coverage', 'cc.coverage', 'cc-coverage', { counted: false }).el : '',
      mk('instructions', 'cc.instructions', 'cc-instructions').el,
      mk('incidents', 'cc.incidents', 'cc-incidents').el,
      mk('system', 'cc.system', 'cc-system').el);
    const centre = h('div', { class: 'cc-col cc-centre' });
    const right = h('div', { class: 'cc-col' }, h('section', { class: 'cc-panel', 'data-testid': 'cc-map' }, this.map.el),
      mk('missions', 'cc.missions', 'cc-missions').el);
    if (this.leader) {
      right.prepend(mk('approvals', 'cc.approvals', 'cc-approvals').el);
      right.append(mk('report', 'cc.report', 'cc-report', { counted: false }).el);
    }
    this.alerts = new AlertsPanel(app, centre);
    this.app = app;
    this.title = document.title;
    this.seenOpen = null;
    this.onAlerts = (e) => this.alerted(e.detail.open);
    app.addEventListener('profile-alerts', this.onAlerts);
    const tourBox = h('section', { class: 'cc-panel cc-tour', 'data-testid': 'cc-tour', 'aria-labelledby': 'cc-tour-title' },
      h('h2', { id: 'cc-tour-title' }, t('cc.tour')));
    const tourEl = h('div');
    tourBox.append(tourEl);
    centre.append(tourBox);
    this.centre = centre;
    this.el = h('div', { class: 'cc', 'data-testid': 'command' },
      h('h1', { class: 'sr-only' }, t('cc.title')), this.strip,
      h('div', { class: 'cc-grid' }, left, centre, right));
    app.replaceChildren(this.el);
    this.tour = new TourPlayer(app, tourEl);
  }

  destroy() {
    this.app.removeEventListener('profile-alerts', this.onAlerts);
    document.title = this.title;
    this.alerts.stop();
    this.tour.stop();
  }

  // alerted shows the number of open alerts in the tab's title, so an
  // officer on another tab sees it, and marks a new one with a flash of the
  // panel and a short tone.
  alerted(open) {
    document.title = open ? `(${open}) ${this.title}` : this.title;
    if (this.seenOpen !== null && open > this.seenOpen) {
      this.el.querySelector('.palert-panel')?.animate?.([{ boxShadow: '0 0 0 4px #d1443b' }, { boxShadow: '0 0 0 0 transparent' }], { duration: 900, iterations: 3 });
      chime();
    }
    this.seenOpen = open;
  }

  // load fetches one source for a panel; a failure shows in the panel.
  async load(key, path, render) {
    const p = this.panels[key];
    try {
      const data = await api.get(path);
      render(data);
      p.error('');
      return data;
    } catch (e) {
      if (e.status === 401 || e.code === 'password_change_required') throw e;
      p?.error(errorText(e));
      return null;
    }
  }

  async refresh() {
    const me = this.me;
    const unit = encodeURIComponent(me.unit || '');
    const shift = currentShift();
    const jobs = [
      Promise.all([api.get(`/api/v1/onduty?unit=${unit}`), api.get('/api/v1/me/shifts')]).then(([list, mine]) => onDutyStrip(this.strip, me, list, mine), (e) => {
        if (e.status === 401) throw e;
        this.strip.replaceChildren(h('p', { class: 'error' }, errorText(e)));
      }),
      this.load('instructions', '/api/v1/instructions', (list) => this.panels.instructions.fill(instructionRows(list, me))),
      this.load('incidents', '/api/v1/incidents?state=open', (list) => this.panels.incidents.fill(incidentRows(list))),
      this.load('system', '/api/v1/alerts', (list) => this.panels.system.fill(systemAlertRows(list))),
      api.vehicles().then((vs) => this.map.update(vs)),
      this.panels.coverage ? this.load('coverage', `/api/v1/watch/coverage?unit=${unit}&shift=${shift}`, (c) => this.panels.coverage.fill(coverageRows(c))) : null,
      this.load('missions', '/api/v1/missions', (list) => {
        this.panels.missions.fill(missionRows(list));
        // The running missions' sites and waypoints on the map.
        this.map.places = list.filter((m) => m.state === 'active')
          .flatMap((m) => (m.waypoints || []).map((w) => ({ lat: w.lat, lon: w.lon, label: `${m.vehicle}: ${w.name || m.site}` })));
      }),
    ];
    if (this.leader) {
      jobs.push(this.approvals());
      jobs.push(this.load('report', `/api/v1/dutylog/report?unit=${unit}&shift=${shift}`, (rep) => this.panels.report.fill(reportSummary(rep, unit, shift))));
    }
    const results = await Promise.allSettled(jobs);
    const gone = /** @type {PromiseRejectedResult | undefined} */ (results.find((r) => r.status === 'rejected' && (r.reason?.status === 401 || r.reason?.code === 'password_change_required')));
    if (gone) throw gone.reason;
  }

  // approvals gathers what awaits the leader: swaps and replacements on
  // rosters, suspicious-sign reports, focus profiles and their revisions.
  async approvals() {
    const p = this.panels.approvals;
    try {
      this.units ??= await api.get('/api/v1/units');
      const [rosters, reports, profiles] = await Promise.all([api.get('/api/v1/rosters'), api.get('/api/v1/reports?state=pending'),
        api.get('/api/v1/profiles?state=pending')]);
      const items = [];
      for (const pr of profiles) {
        const title = pr.pending?.spec?.title || pr.spec?.title || pr.id;
        items.push({ kind: 'profile', href: `#/profiles/${encodeURIComponent(pr.id)}`, text: pr.pending ? t('cc.profileRevision', title) : title, time: pr.pending?.proposed || pr.updated });
      }
      for (const r of rosters) if (r.PendingOverrides) items.push({ kind: 'roster', href: `#/rosters?id=${encodeURIComponent(r.ID)}`, text: t('cc.rosterPending', r.PendingOverrides, unitName(this.units, r.Unit)), time: r.Created });
      for (const r of rosters) if (!r.Published) items.push({ kind: 'publish', href: `#/rosters?id=${encodeURIComponent(r.ID)}`, text: t('cc.rosterDraft', unitName(this.units, r.Unit), formatTime(r.From, true).slice(-10)), time: r.Created });
      for (const r of reports) items.push({ kind: 'report', href: `#/reports/${encodeURIComponent(r.id)}`, text: r.title || r.text || r.id, time: r.created });
      p.fill(approvalRows(items));
      p.error('');
    } catch (e) {
      if (e.status === 401) throw e;
      p.error(errorText(e));
    }
  }
}


// chime plays a short two-note tone (a new alert); where the browser
// allows no sound, nothing.
function chime() {
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    [880, 660].forEach((f, i) => {
      const o = ctx.createOscillator();
      o.frequency.value = f;
      o.connect(gain);
      o.start(ctx.currentTime + i * 0.18);
      o.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
    setTimeout(() => ctx.close(), 800);
  } catch {
    // no audio: the title and the flash still say it
  }
}
