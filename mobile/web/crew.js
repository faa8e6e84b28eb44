// The crew app: log in, see the unit's vehicles and their state, watch a
// camera full screen. Strings are Vietnamese: the crews' language.
import { api } from '/static/api.js';
import { WhepPlayer } from '/static/whep.js';
import { h } from '/static/dom.js';

const app = document.getElementById('app');
let timer = null;

function login(msg = '') {
  clearInterval(timer);
  const user = h('input', { autocomplete: 'username', placeholder: 'Tên đăng nhập', 'aria-label': 'Tên đăng nhập', required: true });
  const pass = h('input', { type: 'password', autocomplete: 'current-password', placeholder: 'Mật khẩu', 'aria-label': 'Mật khẩu', required: true });
  const err = h('p', { class: 'error', role: 'alert' }, msg);
  const form = h('form', {}, user, pass, h('button', { type: 'submit' }, 'Đăng nhập'), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try { await api.login(user.value.trim(), pass.value); start(); } catch (e) { err.textContent = e.code === 'bad_credentials' ? 'Sai tên đăng nhập hoặc mật khẩu.' : `Không đăng nhập được: ${e.message}`; }
  });
  app.replaceChildren(form);
}

function watch(v, c) {
  const video = h('video', { autoplay: true, playsinline: true, muted: true, controls: true });
  const state = h('span', {}, 'Đang kết nối…');
  const player = new WhepPlayer(video, v.id, c.id, { onState: (s) => { state.textContent = { live: 'Trực tiếp', connecting: 'Đang kết nối…', noSignal: 'Mất tín hiệu', offline: 'Ngoại tuyến', forbidden: 'Không có quyền xem' }[s] ?? 'Lỗi'; } });
  const close = h('button', { type: 'button', class: 'secondary', onclick: () => { player.stop(); overlay.remove(); } }, 'Đóng');
  const overlay = h('div', { class: 'player' }, h('div', { class: 'bar' }, h('strong', {}, `${v.name} – ${c.name}`), state, close), video);
  document.body.append(overlay);
  player.start();
}

// storageAlarm warns the crew first when the recording disk fills with video the hub does not have yet.
function storageAlarm(st) {
  if (!st?.alarm) return null;
  const text = st.alarm === 'full'
    ? (st.recording ? 'Bộ nhớ ghi hình ĐẦY: đang ghi đè bản ghi cũ chưa gửi về trung tâm' : 'Bộ nhớ ghi hình ĐẦY: đã DỪNG ghi hình')
    : 'Bộ nhớ ghi hình sắp đầy: bản ghi chưa gửi về trung tâm';
  return h('div', { class: 'alarm', role: 'alert' }, `⚠ ${text}`);
}

async function refresh() {
  try {
    const vehicles = await api.vehicles();
    app.replaceChildren(...vehicles.map((v) => h('section', { class: 'vehicle' },
      h('h2', {}, v.name),
      h('div', { class: `state ${v.online ? 'on' : 'off'}` }, v.online ? '● Trực tuyến' : '○ Mất kết nối'),
      v.telemetry?.gps ? h('div', {}, `Tốc độ ${v.telemetry.gps.speed_kmh.toFixed(0)} km/h`) : null,
      storageAlarm(v.telemetry?.storage),
      v.telemetry?.sync?.backlog_segments > 0 ? h('div', { class: 'note' }, `Chưa gửi về trung tâm: ${v.telemetry.sync.backlog_segments} đoạn ghi hình`) : null,
      h('div', { class: 'cams' }, v.cameras.map((c) => h('button', { type: 'button', onclick: () => watch(v, c) }, `Xem ${c.name}`))))));
  } catch (e) {
    if (e.status === 401) login();
  }
}

async function start() {
  try {
    const me = await api.me();
    document.getElementById('who').textContent = me.name || me.username;
  } catch { login(); return; }
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 3000);
}

start();
