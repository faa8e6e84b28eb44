// The console: login (and the forced password change of a new account),
// then the vehicles grid, one camera, the map, the archive, transfers,
// instructions, suspicious-sign reports, service monitoring, the audit
// log and administration, refreshed every 2 seconds from the hub's API (or
// as often as a page asks). Pages an account's roles keep out are not in
// its menu; if the hub still says no, the page says so. A leader's menu
// counts the reports awaiting a decision.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, setLang, getLang, translate, formatTime } from './i18n.js';
import { GridView } from './grid.js';
import { CameraView } from './camera.js';
import { MapView } from './map.js';
import { ArchiveView } from './archive.js';
import { TransfersView } from './transfers.js';
import { InstructionsView } from './instructions.js';
import { ReportsView, REPORT_ROLES, REFRESH as REPORTS_REFRESH, pendingCount } from './reports.js';
import { ServicesView, SERVICE_ROLES } from './services.js';
import { ProfilesView, PROFILE_ROLES } from './profiles.js';
import { CommandView, COMMAND_ROLES } from './command.js';
import { WatchView, WATCH_ROLES } from './watch.js';
import { MissionsView } from './missions.js';
import { CalendarView } from './calendar.js';
import { RostersView } from './rosters.js';
import { DutyLogView } from './dutylog.js';
import { IncidentsView } from './incidents.js';
import { AuditView } from './audit.js';
import { AdminView } from './admin.js';
import { PasswordView } from './password.js';
import { forbiddenPage, hasRole } from './ui.js';

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const menuBtn = /** @type {HTMLElement} */ (document.getElementById('usermenu'));
const menu = /** @type {HTMLElement} */ (document.getElementById('usermenu-list'));
/** @type {any} the page shown (its every: how often it is refreshed) */
let view = null;
let info = { demo: false };
let me = null;
let timer = null;
let badgeTimer = null;
// mode is what the console shows: the login form, the forced password
// change, or the pages (console).
let mode = 'login';

// Pages only some roles may open (the hub enforces it anyway).
const PAGE_ROLES = { audit: ['admin'], admin: ['admin'], reports: REPORT_ROLES, services: SERVICE_ROLES, profiles: PROFILE_ROLES, command: COMMAND_ROLES,
  watch: WATCH_ROLES, dutylog: ['leader', 'duty', 'surveillance'], incidents: ['admin', 'leader', 'duty', 'surveillance'] };

function chrome(on) {
  document.getElementById('nav').hidden = !on;
  menuBtn.hidden = !on;
  closeMenu();
  if (!on) document.getElementById('who').textContent = '';
}

function showLogin(message = '') {
  stopView();
  stopBadge();
  me = null;
  mode = 'login';
  chrome(false);
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message);
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, 'data-testid': 'username' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'password' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'login', 'data-testid': 'login-form' },
    h('h1', {}, t('login.title')),
    h('label', { for: 'username' }, t('login.user')), user,
    h('label', { for: 'password' }, t('login.password')), pass,
    submit, err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      const res = await api.login(user.value.trim(), pass.value);
      if (res.user?.must_change) showPasswordChange(res.user);
      else await start();
    } catch (e) {
      err.textContent = loginError(e);
    } finally {
      submit.disabled = false;
    }
  });
  app.replaceChildren(form);
  user.focus();
}

function loginError(e) {
  switch (e.code) {
    case 'bad_credentials': return t('login.bad');
    case 'locked': return t('login.locked');
    case 'disabled': return t('login.disabled');
    case 'initial_password_expired': return t('login.initialExpired');
    case 'retired': return t('login.retired');
    default: return t('login.error', e.message);
  }
}

// showPasswordChange is all a user whose password must change can do.
function showPasswordChange(user) {
  stopView();
  stopBadge();
  me = user;
  mode = 'forced';
  chrome(false);
  view = new PasswordView(app, { me: user, forced: true, onDone: start, onLogout: logout });
}

async function logout() {
  await api.logout().catch(() => {});
  showLogin();
}

function stopView() {
  clearInterval(timer);
  timer = null;
  view?.destroy?.();
  view = null;
}

// refresh asks the page for fresh data: its own (refresh) or the vehicles
// (update). A session gone or a password to change is the console's
// business; other answers of the hub are the page's (fail).
async function refresh() {
  const v = view;
  try {
    if (v?.refresh) await v.refresh();
    else {
      const vehicles = await api.vehicles();
      v?.update(vehicles);
    }
    document.getElementById('netbanner').hidden = true;
  } catch (e) {
    if (!(e instanceof APIError)) { document.getElementById('netbanner').hidden = false; return; }
    document.getElementById('netbanner').hidden = true;
    if (e.status === 401) showLogin(t('login.expired'));
    else if (e.code === 'password_change_required') showPasswordChange(me);
    else if (v === view) v?.fail?.(e);
  }
}

function markNav(page) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(2);
    if (target === (page || '')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  stopView();
  closeMenu();
  const [path, query = ''] = location.hash.split('?');
  const [, page, vehicle, camera] = path.split('/');
  const params = new URLSearchParams(query);
  markNav(page);
  if (PAGE_ROLES[page] && !hasRole(me, ...PAGE_ROLES[page])) { app.replaceChildren(forbiddenPage()); return; }
  if (page === 'archive') view = new ArchiveView(app, params);
  else if (page === 'transfers') view = new TransfersView(app, params);
  else if (page === 'instructions') view = new InstructionsView(app, { me });
  else if (page === 'services') view = new ServicesView(app, params);
  else if (page === 'profiles') view = new ProfilesView(app, { me, id: vehicle ? decodeURIComponent(vehicle) : '' });
  else if (page === 'command') view = new CommandView(app, { me });
  else if (page === 'watch') view = new WatchView(app, { me });
  else if (page === 'missions') view = new MissionsView(app, { me, id: vehicle ? decodeURIComponent(vehicle) : '' });
  else if (page === 'calendar') view = new CalendarView(app, { me, params });
  else if (page === 'rosters') view = new RostersView(app, { me, params });
  else if (page === 'dutylog') view = new DutyLogView(app, { me, params });
  else if (page === 'incidents') view = new IncidentsView(app, { me, params });
  else if (page === 'audit') view = new AuditView(app, params);
  else if (page === 'admin') view = new AdminView(app, vehicle, params, me);
  else if (page === 'password') { view = new PasswordView(app, { me }); return; }
  else if (page === 'reports') view = new ReportsView(app, { me, id: vehicle ? decodeURIComponent(vehicle) : '', onPending: showBadge });
  else if (page === 'camera' && vehicle && camera) view = new CameraView(app, decodeURIComponent(vehicle), decodeURIComponent(camera), { me });
  else if (page === 'map') { const m = new MapView({ pin: pinOf(params) }); app.replaceChildren(m.el); view = m; }
  else {
    view = new GridView(app, {
      demo: info.demo,
      onOpen: (v, c) => { location.hash = `#/camera/${encodeURIComponent(v)}/${encodeURIComponent(c)}`; },
      onChanged: refresh,
    });
  }
  refresh();
  timer = setInterval(() => { if (!document.hidden) refresh(); }, view?.every ?? 2000);
}

// pinOf reads a place to mark on the map from the address (#/map?lat=&lon=).
function pinOf(params) {
  const lat = Number(params.get('lat')), lon = Number(params.get('lon'));
  const ok = params.has('lat') && params.has('lon') && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return ok ? { lat, lon } : null;
}

// The leader's count of reports awaiting a decision, next to the menu entry.
function showBadge(n) {
  const b = document.getElementById('reports-count');
  b.hidden = !n;
  b.textContent = String(n);
  b.dataset.count = String(n);
  b.title = t('nav.reportsPending', n);
  const a = b.closest('a');
  if (n) a.setAttribute('aria-label', `${t('nav.reports')} (${t('nav.reportsPending', n)})`);
  else a.removeAttribute('aria-label');
}

async function pollBadge() {
  if (document.hidden || view instanceof ReportsView) return; // the page counts them itself
  try {
    showBadge(await pendingCount());
  } catch {
    // The pages' own refresh says what is wrong with the hub or the session.
  }
}

function startBadge() {
  stopBadge();
  if (!hasRole(me, 'leader')) return;
  pollBadge();
  badgeTimer = setInterval(pollBadge, REPORTS_REFRESH);
}

function stopBadge() {
  clearInterval(badgeTimer);
  badgeTimer = null;
  showBadge(0);
}

async function start() {
  try {
    me = await api.me();
  } catch {
    showLogin();
    return;
  }
  if (me.must_change) { showPasswordChange(me); return; }
  info = await api.info().catch(() => info);
  mode = 'console';
  chrome(true);
  for (const a of document.querySelectorAll('#nav a[data-roles]')) if (a instanceof HTMLElement) a.hidden = !hasRole(me, ...a.dataset.roles.split(' '));
  document.getElementById('who').textContent = `${me.name || me.username} · ${me.unit}`;
  menuBtn.setAttribute('aria-label', t('nav.userMenu', me.name || me.username));
  startBadge();
  route();
}

// The user menu: a disclosure button; Esc or a click elsewhere closes it.
function closeMenu() {
  menu.hidden = true;
  menuBtn.setAttribute('aria-expanded', 'false');
}

function initMenu() {
  menuBtn.addEventListener('click', () => {
    const open = menu.hidden;
    menu.hidden = !open;
    menuBtn.setAttribute('aria-expanded', String(open));
    if (open) /** @type {HTMLElement | null} */ (menu.querySelector('a, button'))?.focus();
  });
  menu.addEventListener('keydown', (e) => { if (e.key === 'Escape') { closeMenu(); menuBtn.focus(); } });
  document.addEventListener('click', (e) => { const at = /** @type {Node} */ (e.target); if (!menu.hidden && !menu.contains(at) && !menuBtn.contains(at)) closeMenu(); });
  menu.querySelector('a').addEventListener('click', () => { closeMenu(); if (location.hash === '#/password') route(); });
  document.getElementById('logout').addEventListener('click', () => { closeMenu(); logout(); });
}

function tick() { document.getElementById('clock').textContent = formatTime(new Date().toISOString(), true); }

function init() {
  setLang(getLang());
  const langBtn = document.getElementById('lang');
  const labelLang = () => {
    langBtn.textContent = getLang() === 'vi' ? 'EN' : 'VI';
    langBtn.setAttribute('aria-label', t('nav.lang'));
    langBtn.title = t('nav.lang');
  };
  labelLang();
  langBtn.addEventListener('click', () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    labelLang();
    if (me) menuBtn.setAttribute('aria-label', t('nav.userMenu', me.name || me.username));
    if (mode === 'console') route();
    else if (mode === 'forced') showPasswordChange(me);
    else showLogin();
  });
  // Polling pauses while the tab is hidden; catch up at once when it shows.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    if (timer) refresh();
    if (badgeTimer) pollBadge();
  });
  initMenu();
  window.addEventListener('hashchange', () => { if (mode === 'console') route(); });
  translate(document);
  tick();
  setInterval(tick, 1000);
  start();
}

init();
