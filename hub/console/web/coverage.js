// The coverage check of a shift drawn: the summary, then per camera a bar
// across the shift, green where an assigned officer on duty watched it,
// red where nobody did (each red part focusable, its reason and times in
// its label and tooltip), hatched before a camera existed; a white line
// marks now in the shift running.
import { h } from './core/dom.js';
import { t, formatHM } from './i18n.js';

const REASON = {
  no_assignment: 'cov.noAssignment',
  officer_off_duty: 'cov.offDuty',
  camera_added_after_assignment: 'cov.addedLater',
};

export const reasonText = (g) => (REASON[g.reason] ? t(REASON[g.reason], (g.officers || []).join(', ')) : g.reason);

export function coverageView({ coverage, names }) {
  const { period, cameras, summary } = coverage;
  const from = Date.parse(period.from), span = Date.parse(period.to) - from;
  const pct = (iso) => Math.max(0, Math.min(100, ((Date.parse(iso) - from) / span) * 100));
  const seg = (cls, a, b, extra = {}) => h('span', { class: `cov-seg ${cls}`, style: `left:${pct(a)}%;width:${pct(b) - pct(a)}%`, ...extra });
  const ticks = h('div', { class: 'cov-ticks', 'aria-hidden': 'true' },
    ...[0, 6, 12, 18, 24].map((hr) => h('span', { style: `left:${(hr / 24) * 100}%` }, formatHM(new Date(from + hr * 3600e3).toISOString()))));
  const now = Date.now();
  const nowMark = () => (now > from && now < from + span ? h('span', { class: 'cov-now', style: `left:${((now - from) / span) * 100}%`, title: t('cov.now') }) : null);
  const rows = cameras.map((c) => {
    const ref = `${c.camera.vehicle}/${c.camera.camera}`;
    const name = names[ref] || ref;
    const bar = h('div', { class: 'cov-bar', role: 'group', 'aria-label': t('cov.bar', name) },
      c.scope.from !== period.from ? seg('cov-na', period.from, c.scope.from, { title: t('cov.notYet') }) : null,
      ...c.covered.map((i) => seg('cov-ok', i.from, i.to, { title: t('cov.watched', formatHM(i.from), formatHM(i.to)) })),
      ...c.uncovered.map((g) => {
        const label = `${formatHM(g.from)}–${formatHM(g.to)}: ${reasonText(g)}`;
        return seg('cov-gap', g.from, g.to, { title: label, 'aria-label': label, tabindex: 0, 'data-testid': 'cov-gap', 'data-reason': g.reason });
      }), nowMark());
    const full = c.uncovered.length === 0;
    return h('div', { class: `cov-row ${full ? 'full' : ''}`, 'data-testid': `cov-row-${c.camera.vehicle}-${c.camera.camera}`, 'data-covered': String(full) },
      h('div', { class: 'cov-name' }, name, h('div', { class: 'muted small' }, c.watchers.length ? c.watchers.join(', ') : t('cov.nobody'))),
      bar);
  });
  return h('div', {},
    h('p', { class: `cov-summary ${summary.fully_uncovered || summary.covered_percent < 100 ? 'bad' : 'ok'}`, role: 'status', 'data-testid': 'cov-summary',
      'data-percent': String(summary.covered_percent) },
    t('cov.summary', summary.covered_percent.toFixed(1), summary.cameras, summary.fully_covered, summary.fully_uncovered)),
    rows.length ? h('div', { class: 'cov-rows' }, h('div', { class: 'cov-row cov-head' }, h('div', {}), ticks), ...rows) : h('p', { class: 'empty' }, t('cov.noCameras')),
    h('p', { class: 'muted small' }, h('span', { class: 'cov-key cov-ok' }), t('cov.keyOk'), ' ', h('span', { class: 'cov-key cov-gap' }), t('cov.keyGap'), ' ',
      h('span', { class: 'cov-key cov-na' }), t('cov.notYet')));
}
