// Vietnamese first, English on request. Every visible string of the crew
// app is in this dictionary (mobile/i18n_test.go checks both languages).
// Times are shown in Vietnam's time zone whatever the phone's setting.
const dict = {
  vi: {
    'app.title': 'Tổ công tác', 'app.loading': 'Đang tải…', 'app.hubMode': 'Qua trung tâm', 'app.vehicleMode': 'Mạng nội bộ xe {0}',
    'app.error': 'Lỗi: {0}', 'app.cached': 'Mất kết nối: dữ liệu lưu trên máy lúc {0}.',
    'nav.instructions': 'Chỉ thị', 'nav.reports': 'Báo cáo', 'nav.vehicles': 'Phương tiện', 'nav.publish': 'Phát hình',
    'nav.logout': 'Đăng xuất', 'nav.lang': 'English', 'nav.langLabel': 'Chuyển sang tiếng Anh', 'nav.main': 'Chức năng',
    'net.online': 'Đã kết nối', 'net.offline': 'Mất kết nối – dữ liệu được giữ trên máy',
    'net.hubUp': 'Xe đang kết nối với trung tâm', 'net.hubDown': 'Xe mất kết nối với trung tâm: chỉ thị mới chưa tới được',
    'net.backlog': 'Xe còn {0} mục chờ gửi về trung tâm',
    'login.title': 'Đăng nhập', 'login.user': 'Tên đăng nhập', 'login.password': 'Mật khẩu', 'login.submit': 'Đăng nhập',
    'login.bad': 'Sai tên đăng nhập hoặc mật khẩu.', 'login.locked': 'Đăng nhập sai quá nhiều lần, thử lại sau.',
    'login.expired': 'Chưa đổi mật khẩu ban đầu trong 30 ngày: tài khoản đã bị khoá, liên hệ quản trị viên.',
    'login.disabled': 'Tài khoản đã bị khoá. Liên hệ quản trị viên.', 'login.retired': 'Tài khoản đã ngừng sử dụng.',
    'login.error': 'Không đăng nhập được: {0}', 'login.offline': 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    'login.session': 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.', 'login.vehicleTitle': 'Đăng nhập trên xe {0}',
    'login.name': 'Họ và tên', 'login.passcode': 'Mã tổ công tác', 'login.badPasscode': 'Sai mã tổ công tác.',
    'login.pending': 'Còn {0} mục chờ gửi trên máy này: sẽ gửi sau khi đăng nhập.',
    'pw.title': 'Đổi mật khẩu', 'pw.intro': 'Tài khoản mới hoặc vừa được đặt lại mật khẩu: hãy đặt mật khẩu riêng trước khi tiếp tục.',
    'pw.old': 'Mật khẩu hiện tại', 'pw.new': 'Mật khẩu mới', 'pw.confirm': 'Nhập lại mật khẩu mới',
    'pw.rule': 'Ít nhất 12 ký tự, không chứa tên đăng nhập, không dùng mật khẩu phổ biến.', 'pw.submit': 'Đổi mật khẩu',
    'pw.mismatch': 'Hai lần nhập mật khẩu mới không khớp.', 'pw.short': 'Mật khẩu mới phải có ít nhất 12 ký tự.',
    'pw.weak': 'Mật khẩu mới chưa đạt yêu cầu: {0}', 'pw.badOld': 'Mật khẩu hiện tại không đúng.',
    'pw.weakUser': 'Mật khẩu mới không được chứa tên đăng nhập.', 'pw.weakCommon': 'Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.',
    'pw.weakSame': 'Mật khẩu mới phải khác mật khẩu hiện tại.', 'pw.weakRepeat': 'Mật khẩu mới không được chỉ lặp lại một ký tự.',
    'ins.current': 'Chỉ thị cần xác nhận', 'ins.past': 'Chỉ thị đã xác nhận', 'ins.none': 'Chưa có chỉ thị nào.',
    'ins.noneCurrent': 'Không có chỉ thị nào chờ xác nhận.',
    'ins.urgent': 'KHẨN', 'ins.overdue': 'QUÁ HẠN XÁC NHẬN', 'ins.from': 'Từ: {0}', 'ins.sent': 'Gửi lúc {0}', 'ins.due': 'Hạn xác nhận: {0}',
    'ins.received': 'Xe nhận lúc {0}', 'ins.open': 'Mở chỉ thị', 'ins.close': 'Thu gọn', 'ins.ack': 'Đã nhận lệnh', 'ins.ackFor': 'Đã nhận lệnh – {0}',
    'ins.acked': '✔ {0}: đã xác nhận lúc {1} ({2})', 'ins.ackQueued': '{0}: đã nhận lệnh – chờ gửi', 'ins.state': '{0}: {1}',
    'st.sent': 'đã gửi', 'st.delivered': 'đã tới xe', 'st.read': 'đã đọc', 'st.acknowledged': 'đã xác nhận',
    'mis.title': 'Nhiệm vụ giám sát cơ động', 'mis.planned': 'Sắp thực hiện', 'mis.active': 'Đang thực hiện', 'mis.closed': 'Đã kết thúc', 'mis.cancelled': 'Đã huỷ',
    'mis.site': 'Địa điểm / tuyến:', 'mis.window': 'Thời gian:', 'mis.hm': '{0} giờ {1} phút', 'mis.m': '{0} phút',
    'mis.startsIn': 'Bắt đầu sau {0}', 'mis.endsIn': 'Còn {0} đến khi kết thúc', 'mis.ended': 'Đã kết thúc lúc {0}',
    'mis.closeTitle': 'Báo cáo kết thúc nhiệm vụ', 'mis.summary': 'Tóm tắt kết quả', 'mis.findings': 'Phát hiện (nếu có)',
    'mis.closeBtn': 'Gửi báo cáo và kết thúc', 'mis.needSummary': 'Nhập tóm tắt kết quả.', 'mis.queued': 'Đã lưu báo cáo kết thúc; đang gửi.',
    'mis.qClose': 'Báo cáo kết thúc nhiệm vụ: {0}', 'mis.reported': 'Báo cáo kết thúc ({0}): {1}',
    'rep.title': 'Báo cáo dấu hiệu nghi vấn', 'rep.new': '+ Báo cáo mới', 'rep.formTitle': 'Báo cáo mới', 'rep.fTitle': 'Tiêu đề', 'rep.fText': 'Nội dung phát hiện',
    'rep.fAction': 'Đề xuất biện pháp xử lý', 'rep.fVehicle': 'Phương tiện', 'rep.noVehicle': '— Không gắn với xe —',
    'rep.gps': 'Vị trí GPS', 'rep.gpsWait': 'Đang lấy vị trí…', 'rep.gpsNone': 'Chưa có vị trí (chưa cho phép hoặc không bắt được GPS).',
    'rep.gpsAt': '{0}, {1} (sai số ±{2} m)', 'rep.gpsRetry': 'Lấy lại vị trí', 'rep.photos': 'Ảnh chụp', 'rep.addPhoto': 'Chụp / chọn ảnh',
    'rep.photoCount': '{0} ảnh', 'rep.photoRemove': 'Bỏ ảnh {0}', 'rep.photoBusy': 'Đang xử lý ảnh…', 'rep.photoError': 'Không đọc được ảnh: {0}',
    'rep.submit': 'Gửi báo cáo', 'rep.cancel': 'Huỷ', 'rep.need': 'Nhập tiêu đề hoặc nội dung phát hiện.',
    'rep.saved': 'Đã lưu báo cáo trên máy; sẽ tự gửi khi có mạng.', 'rep.none': 'Chưa có báo cáo nào.',
    'rep.by': 'Người báo cáo: {0}', 'rep.created': 'Lập lúc {0}', 'rep.proposed': 'Đề xuất: {0}', 'rep.photosN': '{0} ảnh',
    'rep.stPending': 'Chờ lãnh đạo duyệt', 'rep.stApproved': 'Lãnh đạo đã duyệt', 'rep.stRejected': 'Lãnh đạo không duyệt', 'rep.stDone': 'Đã thực hiện',
    'rep.decision': 'Ý kiến lãnh đạo ({0}, {1}): {2}', 'rep.timeline': 'Diễn biến', 'rep.showPhotos': 'Xem ảnh',
    'rep.done': 'Báo cáo đã thực hiện xong', 'rep.doneNote': 'Kết quả thực hiện', 'rep.doneQueued': 'Đã ghi nhận; sẽ gửi khi có mạng.',
    'rep.notApproved': 'Lãnh đạo chưa duyệt đề xuất: chưa thể báo đã thực hiện.',
    'rep.vehicleNoPhotos': 'Báo cáo và ảnh được gửi lên xe; xe chuyển về trung tâm khi có kết nối.',
    'rep.heldTitle': 'Ảnh giữ trên điện thoại, chưa gửi về trung tâm',
    'rep.heldHelp': 'Khi có mạng di động, mở ứng dụng tại địa chỉ của trung tâm và đính kèm các ảnh này (lưu ảnh vào máy trước).',
    'rep.save': 'Lưu ảnh vào máy', 'rep.viaVehicle': 'Đã chuyển cho xe; xe gửi về trung tâm khi có kết nối.', 'rep.localHistory': 'Báo cáo đã gửi từ máy này',
    'tl.raised': 'Lập báo cáo', 'tl.approved': 'Duyệt', 'tl.rejected': 'Không duyệt', 'tl.replied': 'Trả lời bằng chỉ thị', 'tl.done': 'Đã thực hiện',
    'tl.step': '{0} – {1} ({2})',
    'q.count': '{0} mục chờ gửi', 'q.none': 'Đã gửi hết', 'q.title': 'Hàng chờ gửi trên máy', 'q.report': 'Báo cáo: {0}',
    'q.ack': 'Xác nhận chỉ thị ({0})', 'q.read': 'Đã đọc chỉ thị ({0})', 'q.done': 'Đã thực hiện báo cáo',
    'q.stQueued': 'Chờ gửi', 'q.stSending': 'Đang gửi…', 'q.stFailed': 'Không gửi được: {0}', 'q.stOther': 'Chờ {0} đăng nhập để gửi',
    'q.photoProgress': 'Ảnh đã gửi {0}/{1}', 'q.retry': 'Gửi lại', 'q.delete': 'Xoá',
    'q.deleteConfirm': 'Xoá mục này khỏi hàng chờ? Nội dung chưa gửi sẽ mất.', 'q.nextTry': 'Thử lại lúc {0}', 'q.lastError': 'Lần trước: {0}',
    'q.logoutWarn': 'Còn {0} mục chưa gửi. Chúng được giữ trên máy và sẽ gửi khi bạn đăng nhập lại. Đăng xuất?',
    'q.network': 'mất kết nối', 'q.created': 'Lập lúc {0}',
    'v.none': 'Không có phương tiện nào.', 'v.online': '● Trực tuyến', 'v.offline': '○ Mất kết nối', 'v.speed': 'Tốc độ {0} km/h',
    'v.backlog': 'Chưa gửi về trung tâm: {0} đoạn ghi hình', 'v.full': 'Bộ nhớ ghi hình ĐẦY: đã DỪNG ghi hình',
    'v.fullOverwrite': 'Bộ nhớ ghi hình ĐẦY: đang ghi đè bản ghi cũ chưa gửi về trung tâm', 'v.low': 'Bộ nhớ ghi hình sắp đầy: bản ghi chưa gửi về trung tâm',
    'v.watch': 'Xem {0}', 'v.close': 'Đóng',
    'cam.connecting': 'Đang kết nối…', 'cam.live': 'Trực tiếp', 'cam.noSignal': 'Mất tín hiệu', 'cam.offline': 'Camera chưa phát',
    'cam.forbidden': 'Không có quyền xem camera này', 'cam.unauthorized': 'Phiên đăng nhập hết hạn', 'cam.error': 'Lỗi: {0}',
    'pub.title': 'Phát hình trực tiếp từ điện thoại', 'pub.intro': 'Camera của điện thoại trở thành một camera của xe được chọn: trung tâm xem trực tiếp như camera trên xe.',
    'pub.vehicle': 'Camera thuộc phương tiện', 'pub.start': '● Bắt đầu phát trực tiếp', 'pub.stop': '■ Dừng phát',
    'pub.live': '● ĐANG PHÁT TRỰC TIẾP', 'pub.connecting': 'Đang kết nối…', 'pub.retrying': 'Mất kết nối, đang thử lại…', 'pub.idle': 'Chưa phát',
    'pub.noCamera': 'Không mở được camera: {0}', 'pub.noH264': 'Điện thoại không mã hoá được H.264 mà trung tâm yêu cầu: hình có thể không tới trung tâm.',
    'pub.noVideo': 'Trung tâm không nhận hình từ điện thoại này (cần H.264); chỉ có âm thanh.', 'pub.error': 'Lỗi: {0}',
    'pub.forbidden': 'Tài khoản không có quyền phát hình cho xe này.', 'pub.insecure': 'Trình duyệt chỉ cho dùng camera khi kết nối bảo mật (HTTPS).',
    'pub.cameraId': 'Tên camera trên trung tâm: {0}', 'pub.noVehicles': 'Chưa có phương tiện nào để gắn camera điện thoại.',
  },
  en: {
    'app.title': 'Field crew', 'app.loading': 'Loading…', 'app.hubMode': 'Through the hub', 'app.vehicleMode': 'Vehicle {0} local network',
    'app.error': 'Error: {0}', 'app.cached': 'Offline: data saved on this phone at {0}.',
    'nav.instructions': 'Instructions', 'nav.reports': 'Reports', 'nav.vehicles': 'Vehicles', 'nav.publish': 'Go live',
    'nav.logout': 'Log out', 'nav.lang': 'Tiếng Việt', 'nav.langLabel': 'Switch to Vietnamese', 'nav.main': 'Sections',
    'net.online': 'Connected', 'net.offline': 'Offline – data kept on this phone',
    'net.hubUp': 'The vehicle is linked to the hub', 'net.hubDown': 'The vehicle has no link to the hub: new instructions cannot arrive',
    'net.backlog': 'The vehicle has {0} item(s) waiting for the hub',
    'login.title': 'Log in', 'login.user': 'Username', 'login.password': 'Password', 'login.submit': 'Log in',
    'login.bad': 'Wrong username or password.', 'login.locked': 'Too many failed attempts, try again later.',
    'login.expired': 'The initial password was not changed within 30 days: the account is locked, ask an administrator.',
    'login.disabled': 'The account is locked. Ask an administrator.', 'login.retired': 'The account is retired.',
    'login.error': 'Cannot log in: {0}', 'login.offline': 'Cannot reach the server. Check the network and try again.',
    'login.session': 'Your session has expired, please log in again.', 'login.vehicleTitle': 'Log in on vehicle {0}',
    'login.name': 'Your full name', 'login.passcode': 'Crew passcode', 'login.badPasscode': 'Wrong crew passcode.',
    'login.pending': '{0} item(s) waiting on this phone: they are sent after you log in.',
    'pw.title': 'Change password', 'pw.intro': 'New or reset account: set your own password before you continue.',
    'pw.old': 'Current password', 'pw.new': 'New password', 'pw.confirm': 'New password again',
    'pw.rule': 'At least 12 characters, not containing the username, not a common password.', 'pw.submit': 'Change password',
    'pw.mismatch': 'The two new passwords differ.', 'pw.short': 'The new password must have at least 12 characters.',
    'pw.weak': 'The new password is not accepted: {0}', 'pw.badOld': 'The current password is wrong.',
    'pw.weakUser': 'The new password must not contain the username.', 'pw.weakCommon': 'This password is too common, choose another.',
    'pw.weakSame': 'The new password must differ from the current one.', 'pw.weakRepeat': 'The new password must not be one repeated character.',
    'ins.current': 'Instructions to acknowledge', 'ins.past': 'Acknowledged instructions', 'ins.none': 'No instructions yet.',
    'ins.noneCurrent': 'Nothing waiting for acknowledgement.',
    'ins.urgent': 'URGENT', 'ins.overdue': 'ACKNOWLEDGEMENT OVERDUE', 'ins.from': 'From: {0}', 'ins.sent': 'Sent {0}', 'ins.due': 'Acknowledge by {0}',
    'ins.received': 'Received by the vehicle {0}', 'ins.open': 'Open', 'ins.close': 'Collapse', 'ins.ack': 'Order received', 'ins.ackFor': 'Order received – {0}',
    'ins.acked': '✔ {0}: acknowledged at {1} ({2})', 'ins.ackQueued': '{0}: received – waiting to send', 'ins.state': '{0}: {1}',
    'st.sent': 'sent', 'st.delivered': 'delivered', 'st.read': 'read', 'st.acknowledged': 'acknowledged',
    'mis.title': 'Mobile surveillance mission', 'mis.planned': 'Planned', 'mis.active': 'Running', 'mis.closed': 'Closed', 'mis.cancelled': 'Cancelled',
    'mis.site': 'Site / route:', 'mis.window': 'Window:', 'mis.hm': '{0} h {1} min', 'mis.m': '{0} min',
    'mis.startsIn': 'Starts in {0}', 'mis.endsIn': '{0} left', 'mis.ended': 'Ended at {0}',
    'mis.closeTitle': 'Closing report', 'mis.summary': 'Summary', 'mis.findings': 'Findings (if any)',
    'mis.closeBtn': 'Send report and close', 'mis.needSummary': 'Write the summary.', 'mis.queued': 'Closing report saved; sending.',
    'mis.qClose': 'Closing report of the mission: {0}', 'mis.reported': 'Closing report ({0}): {1}',
    'rep.title': 'Suspicious-sign reports', 'rep.new': '+ New report', 'rep.formTitle': 'New report', 'rep.fTitle': 'Title', 'rep.fText': 'What was seen',
    'rep.fAction': 'Proposed action', 'rep.fVehicle': 'Vehicle', 'rep.noVehicle': '— No vehicle —',
    'rep.gps': 'GPS position', 'rep.gpsWait': 'Getting the position…', 'rep.gpsNone': 'No position (not allowed or no GPS fix).',
    'rep.gpsAt': '{0}, {1} (±{2} m)', 'rep.gpsRetry': 'Get the position again', 'rep.photos': 'Photos', 'rep.addPhoto': 'Take / choose photos',
    'rep.photoCount': '{0} photo(s)', 'rep.photoRemove': 'Remove photo {0}', 'rep.photoBusy': 'Preparing the photos…', 'rep.photoError': 'Cannot read the photo: {0}',
    'rep.submit': 'Send report', 'rep.cancel': 'Cancel', 'rep.need': 'Write a title or what was seen.',
    'rep.saved': 'Report saved on this phone; it is sent as soon as there is a network.', 'rep.none': 'No reports yet.',
    'rep.by': 'Reported by {0}', 'rep.created': 'Raised {0}', 'rep.proposed': 'Proposed: {0}', 'rep.photosN': '{0} photo(s)',
    'rep.stPending': 'Awaiting the leader', 'rep.stApproved': 'Approved by the leader', 'rep.stRejected': 'Rejected by the leader', 'rep.stDone': 'Done',
    'rep.decision': 'Leader decision ({0}, {1}): {2}', 'rep.timeline': 'Timeline', 'rep.showPhotos': 'Show photos',
    'rep.done': 'Report the action done', 'rep.doneNote': 'What was done', 'rep.doneQueued': 'Noted; it is sent when there is a network.',
    'rep.notApproved': 'The leader has not approved the action yet: it cannot be reported done.',
    'rep.vehicleNoPhotos': 'The report and its photos go to the vehicle, which forwards them to the hub when linked.',
    'rep.heldTitle': 'Photos kept on this phone, not yet at the hub',
    'rep.heldHelp': 'With mobile data, open the app at the hub address and attach these photos (save them to the phone first).',
    'rep.save': 'Save the photo to the phone', 'rep.viaVehicle': 'Handed to the vehicle; it sends it to the hub when linked.', 'rep.localHistory': 'Reports sent from this phone',
    'tl.raised': 'Raised', 'tl.approved': 'Approved', 'tl.rejected': 'Rejected', 'tl.replied': 'Replied with an instruction', 'tl.done': 'Done',
    'tl.step': '{0} – {1} ({2})',
    'q.count': '{0} item(s) waiting to send', 'q.none': 'All sent', 'q.title': 'Outbox on this phone', 'q.report': 'Report: {0}',
    'q.ack': 'Acknowledgement ({0})', 'q.read': 'Instruction read ({0})', 'q.done': 'Report action done',
    'q.stQueued': 'Waiting', 'q.stSending': 'Sending…', 'q.stFailed': 'Not sent: {0}', 'q.stOther': 'Waiting for {0} to log in',
    'q.photoProgress': 'Photos sent {0}/{1}', 'q.retry': 'Retry', 'q.delete': 'Delete',
    'q.deleteConfirm': 'Delete this item from the outbox? What was not sent is lost.', 'q.nextTry': 'Next try at {0}', 'q.lastError': 'Last time: {0}',
    'q.logoutWarn': '{0} item(s) not sent yet. They stay on this phone and are sent when you log in again. Log out?',
    'q.network': 'no network', 'q.created': 'Written {0}',
    'v.none': 'No vehicles.', 'v.online': '● Online', 'v.offline': '○ Offline', 'v.speed': 'Speed {0} km/h',
    'v.backlog': 'Not yet at the hub: {0} recorded segment(s)', 'v.full': 'Recording storage FULL: recording STOPPED',
    'v.fullOverwrite': 'Recording storage FULL: overwriting old recordings not yet at the hub', 'v.low': 'Recording storage nearly full: recordings not yet at the hub',
    'v.watch': 'Watch {0}', 'v.close': 'Close',
    'cam.connecting': 'Connecting…', 'cam.live': 'Live', 'cam.noSignal': 'No signal', 'cam.offline': 'Camera not streaming',
    'cam.forbidden': 'Not allowed to watch this camera', 'cam.unauthorized': 'Session expired', 'cam.error': 'Error: {0}',
    'pub.title': 'Broadcast live from this phone', 'pub.intro': 'The phone camera becomes a camera of the chosen vehicle: the hub watches it live like the vehicle cameras.',
    'pub.vehicle': 'Camera belongs to', 'pub.start': '● Start live', 'pub.stop': '■ Stop',
    'pub.live': '● LIVE', 'pub.connecting': 'Connecting…', 'pub.retrying': 'Link lost, trying again…', 'pub.idle': 'Not live',
    'pub.noCamera': 'Cannot open the camera: {0}', 'pub.noH264': 'This phone cannot encode H.264, which the hub requires: the picture may not reach the hub.',
    'pub.noVideo': 'The hub does not take the picture from this phone (H.264 needed); sound only.', 'pub.error': 'Error: {0}',
    'pub.forbidden': 'This account may not broadcast for this vehicle.', 'pub.insecure': 'The browser allows the camera only over a secure connection (HTTPS).',
    'pub.cameraId': 'Camera name at the hub: {0}', 'pub.noVehicles': 'No vehicle to attach the phone camera to.',
  },
};

const KEY = 'fieldwatch.crew.lang';
let lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'vi';

export const getLang = () => lang;

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

// t returns the text of key in the current language, {0}... filled in.
export function t(key, ...args) {
  const s = dict[lang][key] ?? dict.vi[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

const fmt = {};

// formatTime shows a wire time (RFC 3339) in Vietnam's time zone.
export function formatTime(iso, withDate = true) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const k = lang + withDate;
  fmt[k] ??= new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    ...(withDate ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { second: '2-digit' }),
  });
  return fmt[k].format(d);
}
