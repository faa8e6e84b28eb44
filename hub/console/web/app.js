// The console: login, then the vehicles grid, one camera, or the map,
// refreshed every 2 seconds from the hub's API.
import { api, APIError } from './api.js';
import { h } from './dom.js';
import { t, setLang, getLang, translate, formatTime } from './i18n.js';
import { GridView } from './grid.js';
import { CameraView } from './camera.js';
import { MapView } from './map.js';
import { ArchiveView } from './archive.js';
import { TransfersView } from './transfers.js';

const app = document.getElementById('app');
let view = null;
let info = { demo: false };
let timer = null;

function showLogin(message = '') {
  stopView();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message);
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, 'data-testid': 'username' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'password' });
  const form = h('form', { class: 'login', 'data-testid': 'login-form' },
    h('h1', {}, t('login.title')),
    h('label', { for: 'username' }, t('login.user')), user,
    h('label', { for: 'password' }, t('login.password')), pass,
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit')), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api.login(user.value.trim(), pass.value);
      await start();
    } catch (e) {
      err.textContent = e.code === 'bad_credentials' ? t('login.bad') : e.code === 'locked' ? t('login.locked') : t('login.error', e.message);
    }
  });
  app.replaceChildren(form);
  user.focus();
}

function stopView() {
  clearInterval(timer);
  timer = null;
  view?.destroy?.();
  view = null;
}

async function refresh() {
  try {
    const vehicles = await api.vehicles();
    view?.update(vehicles);
    document.getElementById('netbanner').hidden = true;
  } catch (e) {
    if (e instanceof APIError && e.status === 401) { showLogin(t('login.expired')); return; }
    document.getElementById('netbanner').hidden = false;
  }
}

function route() {
  stopView();
  const [path, query = ''] = location.hash.split('?');
  const [, page, vehicle, camera] = path.split('/');
  const params = new URLSearchParams(query);
  if (page === 'archive') view = new ArchiveView(app, params);
  else if (page === 'transfers') view = new TransfersView(app, params);
  else if (page === 'camera' && vehicle && camera) view = new CameraView(app, decodeURIComponent(vehicle), decodeURIComponent(camera));
  else if (page === 'map') { const m = new MapView(); app.replaceChildren(m.el); view = m; }
  else {
    view = new GridView(app, {
      demo: info.demo,
      onOpen: (v, c) => { location.hash = `#/camera/${encodeURIComponent(v)}/${encodeURIComponent(c)}`; },
      onChanged: refresh,
    });
  }
  refresh();
  timer = setInterval(() => { if (!document.hidden) refresh(); }, 2000);
}

async function start() {
  let me;
  try {
    me = await api.me();
  } catch {
    showLogin();
    return;
  }
  info = await api.info().catch(() => info);
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = `${me.name || me.username} · ${me.unit}`;
  route();
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
    if (timer) route(); else showLogin();
  });
  // Polling pauses while the tab is hidden; catch up at once when it shows.
  document.addEventListener('visibilitychange', () => { if (!document.hidden && timer) refresh(); });
  document.getElementById('logout').addEventListener('click', async () => { await api.logout().catch(() => {}); showLogin(); });
  window.addEventListener('hashchange', () => { if (timer) route(); });
  translate(document);
  tick();
  setInterval(tick, 1000);
  start();
}

init();
