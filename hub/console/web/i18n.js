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
    'nav.archive': 'Lưu trữ', 'nav.transfers': 'Truyền nhận',
    'arch.title': 'Tra cứu bản ghi', 'arch.vehicle': 'Phương tiện', 'arch.camera': 'Camera', 'arch.date': 'Ngày', 'arch.time': 'Giờ', 'arch.show': 'Xem',
    'arch.timeline': 'Dòng thời gian trong ngày', 'arch.frameTime': 'Thời điểm ghi hình', 'arch.export': 'Xuất gói chứng cứ', 'arch.hold': 'Giữ lại (phong toả)',
    'arch.holdReason': 'Lý do giữ lại đoạn ghi này (số vụ việc, văn bản…):', 'arch.held': 'Đã đặt lệnh giữ lại.', 'arch.holds': 'Lệnh giữ lại', 'arch.noHolds': 'Chưa có lệnh giữ lại.',
    'arch.nothing': 'Không có bản ghi từ thời điểm này trong ngày.', 'arch.error': 'Lỗi: {0}',
    'gap.covered': 'Có bản ghi', 'gap.syncing': 'Đang đồng bộ', 'gap.vehicleOff': 'Xe tắt/không ghi', 'gap.cameraDown': 'Camera mất tín hiệu',
    'gap.storageFull': 'Bộ nhớ xe đầy', 'gap.evicted': 'Bị ghi đè trước khi đồng bộ', 'gap.noRecording': 'Không có bản ghi',
    'xfer.title': 'Giám sát truyền nhận dữ liệu', 'xfer.day': 'Ngày', 'xfer.vehicle': 'Phương tiện', 'xfer.unit': 'Đơn vị', 'xfer.sent': 'Xe đã gửi',
    'xfer.received': 'Trung tâm đã nhận', 'xfer.applied': 'Đã lưu (cập nhật)', 'xfer.errors': 'Lỗi', 'xfer.first': 'Bắt đầu', 'xfer.last': 'Gần nhất',
    'xfer.files': 'Chi tiết {0} tệp', 'xfer.camera': 'Camera', 'xfer.seq': 'Số đoạn', 'xfer.size': 'Dung lượng', 'xfer.recvStart': 'Bắt đầu nhận',
    'xfer.recvEnd': 'Kết thúc nhận', 'xfer.appliedAt': 'Lưu lúc', 'xfer.error': 'Lỗi', 'xfer.none': 'Không có truyền nhận trong ngày.',
    'alert.title': 'Cảnh báo', 'alert.none': 'Không có cảnh báo.', 'alert.tamper': 'Dữ liệu bị sửa/hỏng', 'alert.keyConflict': 'Sai khoá ký',
    'alert.diskLow': 'Bộ nhớ xe sắp đầy', 'alert.diskFull': 'Bộ nhớ xe đầy', 'alert.unsyncedEvicted': 'Mất bản ghi chưa đồng bộ', 'alert.hubStorage': 'Lỗi lưu trữ trung tâm',
    'v.backlog': 'Chưa đồng bộ: {0} đoạn, {1}, từ {2}', 'v.storage': 'Bộ nhớ ghi hình: {0}',
    'arch.zone': 'Giờ Việt Nam (UTC+7)', 'arch.player': 'Bản ghi đang phát', 'arch.playError': 'Không phát được đoạn ghi này.', 'arch.range': 'Đoạn đang phát: {0} – {1}',
    'arch.zoomIn': 'Phóng to 1 giờ', 'arch.zoomOut': 'Xem cả ngày', 'arch.keysHelp': 'Phím mũi tên: ±1 phút, Page Up/Down: ±10 phút, Enter: xem ngay, Z: phóng to/thu nhỏ.',
    'arch.holdBy': 'bởi {0}, lúc {1}', 'arch.unhold': 'Gỡ', 'arch.unholdLabel': 'Gỡ lệnh giữ lại: {0}', 'arch.unholdConfirm': 'Gỡ lệnh giữ lại «{0}»?', 'arch.unheld': 'Đã gỡ lệnh giữ lại.',
    'xfer.caption': 'Số đoạn · dung lượng theo từng phương tiện trong ngày', 'alert.syncError': 'Lỗi đồng bộ',
    'v.syncTitle': 'Đồng bộ bản ghi', 'v.storageTitle': 'Cảnh báo bộ nhớ', 'v.alarmLow': 'sắp đầy', 'v.alarmFull': 'đầy',
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
    'nav.archive': 'Archive', 'nav.transfers': 'Transfers',
    'arch.title': 'Recordings', 'arch.vehicle': 'Vehicle', 'arch.camera': 'Camera', 'arch.date': 'Date', 'arch.time': 'Time', 'arch.show': 'Show',
    'arch.timeline': 'Timeline of the day', 'arch.frameTime': 'Recorded at', 'arch.export': 'Export evidence bundle', 'arch.hold': 'Place a legal hold',
    'arch.holdReason': 'Why keep this recording (case number, document…):', 'arch.held': 'Legal hold placed.', 'arch.holds': 'Legal holds', 'arch.noHolds': 'No legal holds.',
    'arch.nothing': 'No recording from this moment on that day.', 'arch.error': 'Error: {0}',
    'gap.covered': 'Recorded', 'gap.syncing': 'Still syncing', 'gap.vehicleOff': 'Vehicle off / not recording', 'gap.cameraDown': 'Camera signal lost',
    'gap.storageFull': 'Vehicle storage full', 'gap.evicted': 'Overwritten before sync', 'gap.noRecording': 'No recording',
    'xfer.title': 'Data transfer monitoring', 'xfer.day': 'Day', 'xfer.vehicle': 'Vehicle', 'xfer.unit': 'Unit', 'xfer.sent': 'Sent by vehicle',
    'xfer.received': 'Received by hub', 'xfer.applied': 'Stored (applied)', 'xfer.errors': 'Errors', 'xfer.first': 'First', 'xfer.last': 'Latest',
    'xfer.files': '{0} files', 'xfer.camera': 'Camera', 'xfer.seq': 'Segment', 'xfer.size': 'Size', 'xfer.recvStart': 'Receive start',
    'xfer.recvEnd': 'Receive end', 'xfer.appliedAt': 'Stored at', 'xfer.error': 'Error', 'xfer.none': 'No transfers that day.',
    'alert.title': 'Alerts', 'alert.none': 'No alerts.', 'alert.tamper': 'Tampered or corrupt', 'alert.keyConflict': 'Wrong signing key',
    'alert.diskLow': 'Vehicle storage low', 'alert.diskFull': 'Vehicle storage full', 'alert.unsyncedEvicted': 'Unsynced recording lost', 'alert.hubStorage': 'Hub storage error',
    'v.backlog': 'Not yet synced: {0} segments, {1}, since {2}', 'v.storage': 'Recording storage: {0}',
    'arch.zone': 'Vietnam time (UTC+7)', 'arch.player': 'Recording playing', 'arch.playError': 'Cannot play this recording.', 'arch.range': 'Playing: {0} – {1}',
    'arch.zoomIn': 'Zoom to 1 hour', 'arch.zoomOut': 'Whole day', 'arch.keysHelp': 'Arrow keys: ±1 minute, Page Up/Down: ±10 minutes, Enter: play now, Z: zoom in/out.',
    'arch.holdBy': 'by {0} at {1}', 'arch.unhold': 'Lift', 'arch.unholdLabel': 'Lift legal hold: {0}', 'arch.unholdConfirm': 'Lift the legal hold “{0}”?', 'arch.unheld': 'Legal hold lifted.',
    'xfer.caption': 'Segments · size per vehicle for the day', 'alert.syncError': 'Sync error',
    'v.syncTitle': 'Recording sync', 'v.storageTitle': 'Storage alarm', 'v.alarmLow': 'nearly full', 'v.alarmFull': 'full',
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

// formatHM shows HH:MM in Vietnam's time zone.
export function formatHM(iso) {
  if (!iso) return '—';
  fmt.hm ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return fmt.hm.format(new Date(iso));
}
