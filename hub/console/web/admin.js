// Administration (administrator): units, accounts, open sessions and
// vehicle credentials, one tab each (#/admin/units, /users, /sessions,
// /vehicles). Each tab re-reads its data with the console's refresh and
// redraws only what changed.
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { UnitsPanel } from './adminunits.js';
import { UsersPanel } from './adminusers.js';
import { SessionsPanel } from './adminsessions.js';
import { CredentialsPanel } from './admincreds.js';

export const TABS = { units: 'adm.units', users: 'adm.users', sessions: 'adm.sessions', vehicles: 'adm.vehicles' };
const PANELS = { units: UnitsPanel, users: UsersPanel, sessions: SessionsPanel, vehicles: CredentialsPanel };

export class AdminView {
  constructor(root, tab, params, me) {
    this.tab = TABS[tab] ? tab : 'units';
    const body = h('div', { class: 'admin-body', 'data-testid': `admin-${this.tab}` });
    root.replaceChildren(h('section', { class: 'page admin' },
      h('h1', {}, t('adm.title')),
      h('nav', { class: 'tabs', 'aria-label': t('adm.title') }, Object.entries(TABS).map(([id, k]) =>
        h('a', { href: `#/admin/${id}`, class: id === this.tab ? 'active' : '', 'aria-current': id === this.tab ? 'page' : null, 'data-testid': `admin-tab-${id}` }, t(k)))),
      body));
    this.panel = new PANELS[this.tab](body, { params, me });
  }

  refresh() { return this.panel.refresh(); }
  fail(e) { this.panel.fail(e); }
  update() {}
  destroy() { this.panel.destroy?.(); }
}
