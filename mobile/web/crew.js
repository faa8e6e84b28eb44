// The field crew's app, on a phone or a tablet, served at /m/ by the hub
// (over mobile data) and by the vehicle node (on the vehicle's Wi-Fi, the
// hub maybe out of reach). It finds out which at start: a vehicle answers
// GET /api/v1/crew/info, the hub does not. Everything it imports is under
// /m/, so it works on a vehicle that serves nothing else.
//
// Sections: instructions (acknowledge), reports (write, with photos and
// GPS; the leader's decision), vehicles and their cameras live (hub), and
// the phone's own camera broadcast live (hub). Whatever the crew writes
// goes through the outbox and survives a missing network and a reload.
import { APIError, cache, detectMode, hub, owner, session, setSession, vehicle } from './api.js';
import { h } from './core/dom.js';
import { formatTime, getLang, setLang, t } from './i18n.js';
import { InstructionsView } from './instructions.js';
import { changePassword, hubLogin, vehicleLogin } from './login.js';
import { MissionCard } from './missions.js';
import { Outbox } from './outbox.js';
import { PublishView } from './publish.js';
import { QueueView } from './queue.js';
import { rememberSent, ReportsView } from './reports.js';
import { storageAlarm, VehiclesView } from './vehicles.js';

const REFRESH_MS = 4000;
const root = document.getElementById('app');

const app = {
  mode: { mode: 'hub' },
  outbox: new Outbox(),
  data: {},
  dataAt: null,
  online: true,
  status: null, // vehicle mode: {vehicle, online, backlog}
  tab: sessionStorage.getItem('fieldwatch.crew.tab') || 'instructions',
  views: {},
  shell: null,
  publishing: 'idle',
};

let timer = null;
let refreshing = false;
let refreshSoon = null;

// send delivers one outbox item to its server.
async function send(item, save) {
  switch (item.kind) {
    case 'report':
      for (let i = 0; i < item.photos.length; i++) {
        if (item.photoIds[i]) continue;
        const p = await hub.uploadPhoto(item.photos[i]);
        item.photoIds[i] = p.id;
        await save();
      }
      await hub.createReport({ ...item.payload, photos: item.photoIds });
      break;
    case 'receipt':
      await hub.receipt(item.payload.id, item.payload.vehicle, item.payload.state);
      break;
    case 'done':
      await hub.done(item.payload.id, item.payload.note);
      break;
    case 'vreport':
      for (let i = 0; i < (item.photos?.length ?? 0); i++) {
        if (item.photoIds[i]) continue;
        const p = await vehicle.uploadPhoto(item.photos[i]);
        item.photoIds[i] = p.id;
        await save();
      }
      await vehicle.report(item.photos?.length ? { ...item.payload, photos: item.photoIds } : item.payload);
      rememberSent(item);
      break;
    case 'vreceipt':
      await vehicle.receipt(item.payload.id, item.payload.state);
      break;
    case 'mclose':
      await hub.closeMission(item.payload.id, item.payload.summary, item.payload.findings);
      break;
    case 'vmclose':
      await vehicle.closeMission(item.payload.id, item.payload.summary, item.payload.findings);
      break;
    default:
      throw new APIError(400, 'unknown_kind', item.kind);
  }
  clearTimeout(refreshSoon);
  refreshSoon = setTimeout(refresh, 300);
}

function onAuth(e) {
  if (e.code === 'password_change_required') showPassword();
  else { setSession(null); showLogin(t('login.session')); }
}

function stop() {
  clearInterval(timer);
  timer = null;
  app.outbox.configure('', null, null);
}

// frame is the page without the sections: title, who, language, and the body.
function frame(body, { who = '', tools = [] } = {}) {
  const lang = h('button', { type: 'button', class: 'lang', 'data-testid': 'lang', 'aria-label': t('nav.langLabel'), onclick: () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    if (app.shell) buildShell(true);
    else if (app.screen === 'password') showPassword();
    else if (app.screen === 'login') showLogin();
  } }, t('nav.lang'));
  const header = h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('h1', {}, t('app.title')),
      h('span', { class: 'mode', 'data-testid': 'mode', dataset: { mode: app.mode.mode } },
        app.mode.mode === 'vehicle' ? t('app.vehicleMode', app.mode.vehicle) : t('app.hubMode')),
      who ? h('span', { class: 'who', 'data-testid': 'who' }, who) : null),
    h('div', { class: 'tools' }, lang, ...tools));
  root.replaceChildren(header, body);
}

function showLogin(message = '') {
  stop();
  app.shell = null;
  app.screen = 'login';
  publishView()?.stop();
  app.views = {};
  const box = h('main', { class: 'view' });
  frame(box);
  const pending = app.outbox.waiting().length;
  if (app.mode.mode === 'vehicle') vehicleLogin(box, { vehicleID: app.mode.vehicle, message, pending, onDone: startApp });
  else hubLogin(box, { message, pending, onDone: (s) => (s.user?.must_change ? showPassword() : startApp()) });
}

function showPassword() {
  stop();
  publishView()?.stop();
  app.shell = null;
  app.screen = 'password';
  const box = h('main', { class: 'view' });
  frame(box);
  changePassword(box, { onDone: startApp, onLogout: logout });
}

async function logout() {
  const pending = app.outbox.items.filter((i) => i.owner === owner() && i.state !== 'held').length;
  if (pending && !confirm(t('q.logoutWarn', pending))) return;
  publishView()?.stop();
  if (app.mode.mode === 'hub') await hub.logout().catch(() => {});
  cache.clear();
  app.data = {};
  app.dataAt = null;
  setSession(null);
  showLogin();
}

const publishView = () => app.views.publish;

function tabs() {
  const list = ['instructions', 'reports'];
  if (app.mode.mode === 'hub') list.push('vehicles', 'publish');
  return list;
}

const TAB_LABEL = { instructions: 'nav.instructions', reports: 'nav.reports', vehicles: 'nav.vehicles', publish: 'nav.publish' };

// buildShell makes the header, the sections and the tab bar; again (the
// language changed) keeps an open report form and a running broadcast.
function buildShell(again = false) {
  const old = app.views;
  const who = app.mode.mode === 'vehicle' ? session.name : (session.user?.name || session.user?.username);
  const s = {
    net: h('span', { class: 'net', 'data-testid': 'net', role: 'status' }),
    queue: h('button', { type: 'button', class: 'queue-indicator', 'data-testid': 'queue-indicator', onclick: () => show('queue') }),
    onair: h('span', { class: 'onair', 'data-testid': 'onair', hidden: true }, t('pub.live')),
    banner: h('div', { class: 'banner', 'data-testid': 'banner', role: 'status' }),
    main: h('main', { class: 'view', 'data-testid': 'view' }),
    nav: h('nav', { class: 'tabs', 'aria-label': t('nav.main'), 'data-testid': 'nav' }),
    buttons: {},
  };
  app.views = {
    instructions: new InstructionsView(app),
    reports: new ReportsView(app, again ? old.reports?.form : null),
    queue: new QueueView(app),
  };
  if (app.mode.mode === 'hub') {
    app.views.vehicles = new VehiclesView(app);
    app.views.publish = new PublishView(app);
  }
  for (const name of tabs()) {
    s.buttons[name] = h('button', { type: 'button', 'data-testid': `nav-${name}`, onclick: () => show(name) },
      h('span', {}, t(TAB_LABEL[name])), name === 'instructions' ? h('span', { class: 'count', 'data-testid': 'nav-count', hidden: true }) : null);
    s.nav.append(s.buttons[name]);
  }
  app.shell = s;
  app.screen = 'app';
  app.missionCard = new MissionCard(app);
  frame(h('div', { class: 'body' }, h('div', { class: 'status-bar' }, s.net, s.queue, s.onair), s.banner, app.missionCard.el, s.main, s.nav), {
    who, tools: [h('button', { type: 'button', class: 'secondary', 'data-testid': 'logout', onclick: logout }, t('nav.logout'))],
  });
  show(app.tab in app.views ? app.tab : 'instructions');
}

function show(name) {
  app.tab = name;
  sessionStorage.setItem('fieldwatch.crew.tab', name);
  const s = app.shell;
  if (!s) return;
  for (const [n, b] of Object.entries(s.buttons)) b.setAttribute('aria-current', n === name ? 'page' : 'false');
  s.main.replaceChildren(app.views[name].el);
  render();
  if (name === 'reports' && app.mode.mode === 'hub') refresh();
}

// render brings the header and the visible section up to date.
function render() {
  const s = app.shell;
  if (!s) return;
  s.net.dataset.online = String(app.online);
  s.net.className = `net ${app.online ? 'on' : 'off'}`;
  s.net.textContent = app.online ? t('net.online') : t('net.offline');
  const n = app.outbox.waiting().length;
  s.queue.dataset.count = String(n);
  s.queue.className = `queue-indicator ${n ? 'waiting' : 'empty'}`;
  s.queue.textContent = n ? t('q.count', n) : t('q.none');
  s.onair.hidden = !['live', 'connecting', 'retrying', 'starting'].includes(app.publishing);
  const notes = [];
  if (!app.online && app.dataAt) notes.push(h('p', { class: 'offline' }, t('app.cached', formatTime(app.dataAt))));
  // A recording disk filling up is shown on every section: it loses video.
  for (const v of app.mode.mode === 'hub' ? app.data.vehicles ?? [] : []) {
    const alarm = storageAlarm(v, true);
    if (alarm) notes.push(alarm);
  }
  if (app.mode.mode === 'vehicle' && app.status) {
    notes.push(h('p', { class: app.status.online ? 'ok' : 'offline', 'data-testid': 'vehicle-link', dataset: { online: String(app.status.online) } },
      app.status.online ? t('net.hubUp') : t('net.hubDown')));
    if (app.status.backlog > 0) notes.push(h('p', { class: 'note' }, t('net.backlog', app.status.backlog)));
  }
  s.banner.replaceChildren(...notes);
  const count = InstructionsView.pendingCount(app);
  const badge = s.nav.querySelector('[data-testid="nav-count"]');
  if (badge) { badge.hidden = count === 0; badge.textContent = String(count); }
  app.views[app.tab]?.update();
  // The mission card heads the home screen (instructions).
  app.missionCard?.update();
  if (app.missionCard && app.tab !== 'instructions') app.missionCard.el.hidden = true;
}

app.onPublish = (state) => {
  app.publishing = state;
  if (app.shell) app.shell.onair.hidden = !['live', 'connecting', 'retrying', 'starting'].includes(state);
};

async function refresh() {
  if (refreshing || !session) return;
  refreshing = true;
  try {
    if (app.mode.mode === 'vehicle') {
      const [status, instructions, missions] = await Promise.all([vehicle.status(), vehicle.instructions(), vehicle.missions()]);
      Object.assign(app, { status });
      Object.assign(app.data, { instructions, missions });
      cache.put('instructions', instructions);
      cache.put('missions', missions);
    } else {
      const [vehicles, instructions, missions] = await Promise.all([hub.vehicles(), hub.instructions(), hub.missions()]);
      Object.assign(app.data, { vehicles, instructions, missions });
      cache.put('missions', missions);
      cache.put('vehicles', vehicles);
      cache.put('instructions', instructions);
      if (app.tab === 'reports' || !app.data.reports) {
        app.data.reports = await hub.reports();
        cache.put('reports', app.data.reports);
      }
    }
    app.online = true;
    app.dataAt = new Date().toISOString();
    // The server answers: send what waits now rather than after the backoff.
    if (app.outbox.items.some((i) => i.owner === owner() && i.state === 'queued')) app.outbox.kick(true);
  } catch (e) {
    if (e.status === 401 || e.code === 'password_change_required') { refreshing = false; onAuth(e); return; }
    app.online = !(e.code === 'network' || e.transient);
  } finally {
    refreshing = false;
  }
  render();
}

function startApp() {
  stop();
  for (const name of ['vehicles', 'instructions', 'reports', 'missions']) {
    const c = cache.get(name);
    app.data[name] = c.data;
    if (c.at && (!app.dataAt || c.at > app.dataAt)) app.dataAt = c.at;
  }
  app.outbox.configure(owner(), send, onAuth);
  buildShell();
  refresh();
  app.outbox.kick(true);
  timer = setInterval(() => { if (document.visibilityState === 'visible') refresh(); }, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && timer) refresh(); });
addEventListener('online', () => { if (timer) refresh(); });
addEventListener('offline', () => { app.online = false; render(); });

async function boot() {
  document.documentElement.lang = getLang();
  // A copy of the app on the phone, to open it in a dead zone (HTTPS or localhost only).
  if ('serviceWorker' in navigator && globalThis.isSecureContext) navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {});
  frame(h('main', { class: 'view' }, h('p', {}, t('app.loading'))));
  try {
    await app.outbox.open();
  } catch (e) {
    root.append(h('p', { class: 'error', role: 'alert' }, t('app.error', e.message)));
  }
  app.outbox.onChange(() => render());
  app.mode = await detectMode();
  app.online = app.mode.online;
  const s = session;
  const sameServer = s && s.mode === app.mode.mode && (s.mode === 'hub' || s.vehicle === app.mode.vehicle);
  if (!sameServer) {
    setSession(null);
    showLogin();
  } else if (s.mode === 'hub' && s.user?.must_change) {
    showPassword();
  } else {
    startApp();
  }
}

boot();
