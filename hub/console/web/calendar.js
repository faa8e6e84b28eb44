// The working-day calendar: a year at a glance (12 month grids) with the
// public holidays (fixed and lunar: Tết, Hùng Kings), compensatory days,
// announced days off and worked weekend days, each with its name and
// source; the administrator enters or removes an announced day off or
// working day. Used by the hub for the duty plan and every "N working
// days" deadline.
import { api } from './api.js';
import { h } from './core/dom.js';
import { t, getLang } from './i18n.js';
import { Status, dialog, hasRole } from './ui.js';

// Day kinds of the API, and how the console names them.
export const DAY_KIND = { holiday: 'cal.holiday', compensatory: 'cal.compensatory', day_off: 'cal.dayOff', worked: 'cal.worked' };

const pad = (n) => String(n).padStart(2, '0');
const iso = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;

export class CalendarView {
  constructor(root, { me, params }) {
    this.every = 600000; // the calendar changes only when someone enters a day
    this.me = me;
    this.year = Number(params.get('year')) || Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
    this.status = new Status('cal-status');
    this.status.loading();
    this.title = h('h1', {}, t('cal.title', this.year));
    this.grid = h('div', { class: 'cal-year', 'data-testid': 'cal-year' });
    this.list = h('div', { class: 'table-wrap', 'data-testid': 'cal-list' });
    const nav = (d) => () => { this.year += d; history.replaceState(null, '', `#/calendar?year=${this.year}`); this.status.loading(); this.refresh().catch((e) => this.status.fail(e)); };
    const legend = h('p', { class: 'cal-legend small' }, Object.entries(DAY_KIND).map(([k, key]) => h('span', { class: `cal-day cal-${k}` }, t(key))),
      h('span', { class: 'cal-day cal-weekend' }, t('cal.weekend')));
    root.replaceChildren(h('section', { class: 'page calendar', 'data-testid': 'calendar' },
      h('div', { class: 'toolbar' }, this.title,
        h('button', { type: 'button', 'data-testid': 'cal-prev', 'aria-label': t('cal.prev'), onclick: nav(-1) }, '‹'),
        h('button', { type: 'button', 'data-testid': 'cal-next', 'aria-label': t('cal.next'), onclick: nav(1) }, '›')),
      h('p', { class: 'muted' }, t('cal.help')), legend, this.status.el, this.grid,
      hasRole(me, 'admin') ? this.form() : null,
      h('h2', {}, t('cal.listTitle')), this.list));
  }

  form() {
    const date = h('input', { id: 'cal-date', type: 'date', required: true, 'data-testid': 'cal-date' });
    const kind = h('select', { id: 'cal-kind', 'data-testid': 'cal-kind' },
      h('option', { value: 'off' }, t('cal.dayOff')), h('option', { value: 'work' }, t('cal.worked')));
    const name = h('input', { id: 'cal-name', required: true, maxlength: 300, 'data-testid': 'cal-name', placeholder: t('cal.namePh') });
    const source = h('input', { id: 'cal-source', maxlength: 300, 'data-testid': 'cal-source', placeholder: t('cal.sourcePh') });
    const st = new Status('cal-form-status');
    return h('form', { class: 'filters card', 'data-testid': 'cal-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api.put(`/api/v1/calendar/${date.value}`, { off: kind.value === 'off', name: name.value.trim(), source: source.value.trim() });
        st.ok(t('cal.saved', date.value));
        this.year = Number(date.value.slice(0, 4));
        await this.refresh();
      } catch (err) { st.fail(err); }
    } },
    h('div', { class: 'field' }, h('label', { for: 'cal-date' }, t('cal.date')), date),
    h('div', { class: 'field' }, h('label', { for: 'cal-kind' }, t('cal.kind')), kind),
    h('div', { class: 'field grow' }, h('label', { for: 'cal-name' }, t('cal.name')), name),
    h('div', { class: 'field grow' }, h('label', { for: 'cal-source' }, t('cal.source')), source),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'cal-save' }, t('cal.save'))), st.el);
  }

  async refresh() {
    const data = await api.get(`/api/v1/calendar?year=${this.year}`);
    this.title.textContent = t('cal.title', this.year);
    const byDate = new Map(data.days.map((d) => [d.date, d]));
    const months = [];
    const locale = getLang() === 'vi' ? 'vi-VN' : 'en-GB';
    const monthName = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' });
    const dow = [1, 2, 3, 4, 5, 6, 7].map((i) => new Intl.DateTimeFormat(locale, { weekday: 'narrow', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, i))));
    for (let m = 1; m <= 12; m++) {
      const first = new Date(Date.UTC(this.year, m - 1, 1));
      const days = new Date(Date.UTC(this.year, m, 0)).getUTCDate();
      const cells = [];
      for (let i = 0; i < (first.getUTCDay() + 6) % 7; i++) cells.push(h('td', {}));
      const rows = [];
      for (let d = 1; d <= days; d++) {
        const date = iso(this.year, m, d);
        const wd = new Date(Date.UTC(this.year, m - 1, d)).getUTCDay();
        const info = byDate.get(date);
        const kind = info?.kind || (wd === 0 || wd === 6 ? 'weekend' : '');
        const label = info ? `${date}: ${t(DAY_KIND[info.kind] || info.kind)} – ${info.name}${info.source ? ` (${info.source})` : ''}` : date;
        cells.push(h('td', { class: kind ? `cal-day cal-${kind}` : 'cal-day', title: label, 'aria-label': label, 'data-date': date, 'data-kind': kind || 'workday' }, String(d)));
        if (cells.length === 7) { rows.push(h('tr', {}, cells.splice(0))); }
      }
      if (cells.length) rows.push(h('tr', {}, cells));
      months.push(h('table', { class: 'cal-month', 'data-testid': `cal-month-${m}` },
        h('caption', {}, monthName.format(first)),
        h('thead', {}, h('tr', {}, dow.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows)));
    }
    this.grid.replaceChildren(...months);
    const admin = hasRole(this.me, 'admin');
    this.list.replaceChildren(data.days.length ? h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, [t('cal.date'), t('cal.kind'), t('cal.name'), t('cal.source'), ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, data.days.map((d) => h('tr', { 'data-testid': 'cal-row', 'data-date': d.date, 'data-kind': d.kind },
        h('td', {}, d.date.split('-').reverse().join('/')), h('td', {}, h('span', { class: `cal-day cal-${d.kind}` }, t(DAY_KIND[d.kind] || d.kind))),
        h('td', {}, d.name), h('td', { class: 'muted small' }, d.source || ''),
        h('td', {}, admin && (d.kind === 'day_off' || d.kind === 'worked') ? h('button', { type: 'button', class: 'small', 'data-testid': 'cal-remove',
          'aria-label': t('cal.removeLabel', d.date), onclick: () => this.remove(d) }, t('cal.remove')) : null))))) : h('p', { class: 'empty' }, t('cal.none')));
    this.status.clear();
  }

  async remove(d) {
    if (!await dialog({ title: t('cal.removeLabel', d.date), body: d.name, ok: t('cal.remove'), danger: true })) return;
    try {
      await api.del(`/api/v1/calendar/${d.date}`);
      this.status.ok(t('cal.removed', d.date));
      await this.refresh();
    } catch (e) { this.status.fail(e); }
  }

  fail(e) { this.status.fail(e); }
}
