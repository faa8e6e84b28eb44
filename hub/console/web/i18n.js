// Vietnamese first; English on request. Every visible string goes through t().
const dict = {
  vi: {
    'app.title': 'Giám sát trực tuyến', 'nav.vehicles': 'Phương tiện', 'nav.map': 'Bản đồ', 'nav.logout': 'Đăng xuất', 'nav.lang': 'Switch to English',
    'login.title': 'Đăng nhập hệ thống', 'login.user': 'Tên đăng nhập', 'login.password': 'Mật khẩu', 'login.submit': 'Đăng nhập',
    'login.bad': 'Sai tên đăng nhập hoặc mật khẩu.', 'login.locked': 'Đăng nhập sai quá nhiều lần, thử lại sau.', 'login.error': 'Không đăng nhập được: {0}',
    'login.expired': 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.',
    'v.online': 'Trực tuyến', 'v.offline': 'Mất kết nối', 'v.lastSeen': 'Liên lạc lần cuối', 'v.never': 'chưa kết nối',
    'v.speed': 'Tốc độ', 'v.link': 'Đường truyền', 'v.cpu': 'CPU', 'v.disk': 'Ổ ghi còn trống', 'v.gps': 'Vị trí',
    'v.cut': 'Cắt kết nối', 'v.restore': 'Khôi phục kết nối', 'v.simLink': 'Mô phỏng', 'v.none': 'Chưa có phương tiện nào.',
    'v.noFix': 'Chưa có toạ độ', 'v.simFailed': 'Không thực hiện được: {0}',
    'cam.connecting': 'Đang kết nối…', 'cam.live': 'Trực tiếp', 'cam.noSignal': 'Mất tín hiệu', 'cam.offline': 'Ngoại tuyến', 'cam.down': 'Camera không phản hồi',
    'cam.forbidden': 'Không có quyền xem camera này', 'cam.unauthorized': 'Phiên đăng nhập hết hạn', 'cam.error': 'Lỗi: {0}', 'cam.open': 'Xem {0}',
    'view.back': '← Danh sách phương tiện', 'view.stats': 'Thông số', 'view.bitrate': 'Tốc độ bit', 'view.fps': 'Khung hình/giây',
    'view.resolution': 'Độ phân giải', 'view.lost': 'Gói bị mất', 'view.jitter': 'Bộ đệm chống rung', 'view.latency': 'Độ trễ ghi hình → màn hình', 'view.latencyRecv': 'Độ trễ ghi hình → nhận',
    'view.hub': 'Tại trung tâm', 'view.hubBitrate': 'Tốc độ nhận', 'view.hubLoss': 'Mất gói từ xe', 'view.hubLatency': 'Độ trễ xe → trung tâm',
    'view.viewers': 'Người xem',
    'map.title': 'Vị trí phương tiện', 'map.noFix': 'Chưa có phương tiện nào có toạ độ GPS.', 'map.updated': 'Cập nhật',
    'err.network': 'Mất kết nối tới trung tâm', 'unit.kmh': 'km/h', 'unit.ms': 'ms', 'unit.kbps': 'kbit/s', 'unit.m': 'm',
  },
  en: {
    'app.title': 'Online surveillance', 'nav.vehicles': 'Vehicles', 'nav.map': 'Map', 'nav.logout': 'Log out', 'nav.lang': 'Chuyển sang tiếng Việt',
    'login.title': 'Sign in', 'login.user': 'Username', 'login.password': 'Password', 'login.submit': 'Sign in',
    'login.bad': 'Wrong username or password.', 'login.locked': 'Too many failed attempts, try again later.', 'login.error': 'Cannot sign in: {0}',
    'login.expired': 'Your session has expired, please sign in again.',
    'v.online': 'Online', 'v.offline': 'Offline', 'v.lastSeen': 'Last seen', 'v.never': 'never connected',
    'v.speed': 'Speed', 'v.link': 'Link', 'v.cpu': 'CPU', 'v.disk': 'Recording disk free', 'v.gps': 'Position',
    'v.cut': 'Cut link', 'v.restore': 'Restore link', 'v.simLink': 'Simulation', 'v.none': 'No vehicles yet.',
    'v.noFix': 'No fix yet', 'v.simFailed': 'Failed: {0}',
    'cam.connecting': 'Connecting…', 'cam.live': 'Live', 'cam.noSignal': 'No signal', 'cam.offline': 'Offline', 'cam.down': 'Camera not responding',
    'cam.forbidden': 'Not allowed to watch this camera', 'cam.unauthorized': 'Session expired', 'cam.error': 'Error: {0}', 'cam.open': 'Watch {0}',
    'view.back': '← Vehicles', 'view.stats': 'Statistics', 'view.bitrate': 'Bitrate', 'view.fps': 'Frames per second',
    'view.resolution': 'Resolution', 'view.lost': 'Packets lost', 'view.jitter': 'Jitter buffer', 'view.latency': 'Capture → screen latency', 'view.latencyRecv': 'Capture → receipt latency',
    'view.hub': 'At the hub', 'view.hubBitrate': 'Receive rate', 'view.hubLoss': 'Loss from vehicle', 'view.hubLatency': 'Vehicle → hub latency',
    'view.viewers': 'Viewers',
    'map.title': 'Vehicle positions', 'map.noFix': 'No vehicle has a GPS fix yet.', 'map.updated': 'Updated',
    'err.network': 'Lost contact with the hub', 'unit.kmh': 'km/h', 'unit.ms': 'ms', 'unit.kbps': 'kbit/s', 'unit.m': 'm',
  },
};

let lang = localStorage.getItem('fieldwatch.lang') === 'en' ? 'en' : 'vi';

export const keys = () => ({ vi: Object.keys(dict.vi), en: Object.keys(dict.en) });
export const getLang = () => lang;

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('fieldwatch.lang', lang);
  document.documentElement.lang = lang;
  translate(document);
}

export function t(key, ...args) {
  const s = dict[lang][key] ?? dict.vi[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

// translate fills every [data-i18n] element under root.
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

// Times are shown in Vietnam's time zone whatever the browser's.
const fmt = {};
export function formatTime(iso, withDate = false) {
  if (!iso) return '—';
  const k = lang + withDate;
  fmt[k] ??= new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit',
    ...(withDate ? { day: '2-digit', month: '2-digit', year: 'numeric' } : {}),
  });
  return fmt[k].format(new Date(iso));
}
