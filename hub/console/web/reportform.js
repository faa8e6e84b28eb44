// The form that raises a suspicious-sign report, in a modal dialog: what
// was seen, the action proposed to the leader, the vehicle it concerns
// (optional), photos (made JPEGs of at most 2048 px on the long side and
// uploaded as soon as they are picked) and, from the camera view, the
// snapshot with its camera and capture time. The hub files a report once
// per client id, so a retry after a lost answer does not file it twice.
import { api, APIError } from './api.js';
import { h } from './core/dom.js';
import { t, formatTime } from './i18n.js';
import { Status, errorText, modal, randomID } from './ui.js';

export const MAX_PX = 2048;
const QUALITY = 0.85;
const MAX_TITLE = 200;
const MAX_TEXT = 8000;

// jpegOf draws an image, a bitmap or a <video> frame (w x h) on a canvas no
// larger than MAX_PX on its long side and encodes it as a JPEG Blob.
export async function jpegOf(source, w, hgt, quality = QUALITY) {
  if (!w || !hgt) throw new Error('empty image');
  const scale = Math.min(1, MAX_PX / Math.max(w, hgt));
  const canvas = h('canvas', { width: Math.round(w * scale), height: Math.round(hgt * scale) });
  canvas.getContext('2d').drawImage(source, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new Error('cannot encode JPEG');
  return blob;
}

// prepare makes a picked file ready for the hub: a JPEG that is small
// enough is sent as it is; anything larger, or another format, is drawn
// again.
export async function prepare(file) {
  const img = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    if (file.type === 'image/jpeg' && img.width <= MAX_PX && img.height <= MAX_PX) return file;
    return await jpegOf(img, img.width, img.height);
  } finally {
    img.close();
  }
}

// uploadPhoto stores a JPEG at the hub and returns its id.
export async function uploadPhoto(blob) {
  const p = await api.upload('/api/v1/photos', blob, blob.type || 'image/jpeg');
  return p.id;
}

// openReportForm shows the form. photos are already uploaded ones
// ({id, url, snapshot}); a photo's snapshot says which camera and when
// ({vehicle, camera, time, captured: whether time is the frame's capture
// time}). onCreated gets the filed report.
export function openReportForm({ vehicle = '', photos = [], onCreated = () => {} } = {}) {
  const form = new ReportForm(vehicle, photos, onCreated);
  form.open();
  return form;
}

class ReportForm {
  constructor(vehicle, photos, onCreated) {
    this.vehicleID = vehicle;
    this.onCreated = onCreated;
    this.clientID = randomID(); // reused when the same report is sent again
    this.vehicles = [];
    this.photos = photos.map((p) => ({ ...p, state: 'ok' }));
    this.urls = new Set(photos.map((p) => p.url).filter(Boolean)); // object URLs to revoke on close
  }

  open() {
    this.title = h('input', { id: 'report-title', maxlength: MAX_TITLE, autocomplete: 'off', 'data-testid': 'report-title' });
    this.text = h('textarea', { id: 'report-text', rows: 3, maxlength: MAX_TEXT, required: true, 'data-testid': 'report-text' });
    this.action = h('textarea', { id: 'report-action', rows: 2, maxlength: MAX_TEXT, 'data-testid': 'report-action' });
    this.vehicleSel = h('select', { id: 'report-vehicle', 'data-testid': 'report-vehicle', onchange: () => this.showPosition() },
      h('option', { value: '' }, t('rep.fNoVehicle')),
      this.vehicleID ? h('option', { value: this.vehicleID, selected: true }, this.vehicleID) : null);
    this.files = h('input', { id: 'report-files', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true, 'data-testid': 'report-files',
      onchange: () => { this.add([...this.files.files]); this.files.value = ''; } });
    this.photoList = h('ul', { class: 'rep-thumbs', 'aria-live': 'polite', 'data-testid': 'report-photos' });
    this.position = h('p', { class: 'muted small', 'data-testid': 'report-position' });
    this.submitBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'report-submit' }, t('rep.fSubmit'));
    this.msg = new Status('report-message');
    this.body = h('form', { class: 'rep-form', novalidate: true, 'data-testid': 'report-form', onsubmit: (e) => this.submit(e) },
      h('div', { class: 'field' }, h('label', { for: 'report-title' }, t('rep.fTitle')), this.title),
      h('div', { class: 'field' }, h('label', { for: 'report-text' }, t('rep.fText')), this.text),
      h('div', { class: 'field' }, h('label', { for: 'report-action' }, t('rep.fAction')), this.action),
      h('div', { class: 'field' }, h('label', { for: 'report-vehicle' }, t('rep.fVehicle')), this.vehicleSel, this.position),
      h('div', { class: 'field' }, h('label', { for: 'report-files' }, t('rep.fPhotos')), this.files,
        h('p', { class: 'muted small' }, t('rep.fPhotosHelp')), this.photoList),
      this.msg.el,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', 'data-testid': 'report-cancel', onclick: () => this.close() }, t('common.cancel')), this.submitBtn));
    this.close = modal({ title: t('rep.formTitle'), testid: 'report-dialog', wide: true, content: this.body, onClose: () => this.closed() });
    this.showPhotos();
    this.showPosition();
    this.title.focus();
    api.vehicles().then((list) => { this.vehicles = list; this.fillVehicles(); }).catch(() => {});
  }

  closed() {
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls.clear();
  }

  fillVehicles() {
    const keep = this.vehicleSel.value;
    this.vehicleSel.replaceChildren(h('option', { value: '' }, t('rep.fNoVehicle')),
      ...[...this.vehicles].sort((a, b) => a.id.localeCompare(b.id)).map((v) => h('option', { value: v.id, selected: v.id === keep }, `${v.name} (${v.id})`)));
    this.showPosition();
    this.showPhotos();
  }

  // gps is the chosen vehicle's position now, if it has a fix.
  gps() {
    const g = this.vehicles.find((v) => v.id === this.vehicleSel.value)?.telemetry?.gps;
    return g && Number.isFinite(g.lat) && Number.isFinite(g.lon) ? { lat: g.lat, lon: g.lon } : null;
  }

  showPosition() {
    const g = this.gps();
    this.position.textContent = g ? t('rep.fPosition', `${g.lat.toFixed(5)}, ${g.lon.toFixed(5)}`) : '';
  }

  // add prepares and uploads picked files, one entry each.
  add(files) {
    for (const file of files) {
      const p = { id: '', url: '', name: file.name, state: 'busy' };
      this.photos.push(p);
      this.addOne(file, p).finally(() => this.showPhotos());
    }
    this.showPhotos();
  }

  async addOne(file, p) {
    let blob;
    try {
      blob = await prepare(file);
    } catch {
      Object.assign(p, { state: 'bad', error: t('rep.fNotImage') });
      return;
    }
    p.url = URL.createObjectURL(blob);
    this.urls.add(p.url);
    this.showPhotos();
    try {
      p.id = await uploadPhoto(blob);
      p.state = 'ok';
    } catch (e) {
      Object.assign(p, { state: 'bad', error: errorText(e) });
    }
  }

  showPhotos() {
    this.photoList.replaceChildren(...this.photos.map((p, i) => {
      const n = i + 1;
      const sv = p.snapshot && this.vehicles.find((v) => v.id === p.snapshot.vehicle);
      const snap = p.snapshot ? t('rep.fSnapshot', sv?.cameras?.find((c) => c.id === p.snapshot.camera)?.name || p.snapshot.camera,
        sv?.name || p.snapshot.vehicle, formatTime(p.snapshot.time, true)) +
        ' ' + t(p.snapshot.captured ? 'rep.fCaptureTime' : 'rep.fLocalTime') : '';
      return h('li', { class: `rep-thumb st-${p.state}`, 'data-testid': `report-photo-${n}`, 'data-state': p.state, 'data-id': p.id || null },
        p.url ? h('img', { src: p.url, alt: t('rep.photoAlt', n) }) : h('span', { class: 'rep-thumb-wait' }, '…'),
        h('div', { class: 'small' },
          p.state === 'busy' ? h('span', { class: 'muted' }, t('rep.fUploading')) : null,
          p.state === 'bad' ? h('span', { class: 'bad' }, t('rep.fPhotoFailed', p.name || n, p.error || '')) : null,
          snap ? h('span', { 'data-testid': 'report-snapshot' }, snap) : null),
        h('button', { type: 'button', class: 'small', 'aria-label': t('rep.fRemove', n), 'data-testid': `report-photo-remove-${n}`,
          onclick: () => { this.photos.splice(i, 1); this.showPhotos(); } }, '✕'));
    }));
  }

  async submit(e) {
    e.preventDefault();
    const text = this.text.value.trim();
    if (!text) { this.msg.show('bad', t('rep.fNeedText')); this.text.focus(); return; }
    if (this.photos.some((p) => p.state === 'busy')) { this.msg.show('bad', t('rep.fWait')); return; }
    const kept = this.photos.filter((p) => p.state === 'ok');
    const body = { client_id: this.clientID, title: this.title.value.trim(), text, action: this.action.value.trim(), vehicle: this.vehicleSel.value,
      photos: kept.map((p) => p.id) };
    const snap = kept.find((p) => p.snapshot)?.snapshot;
    if (snap) body.snapshot = { vehicle: snap.vehicle, camera: snap.camera, time: snap.time };
    const g = this.gps();
    if (g) body.position = g;
    this.submitBtn.disabled = true;
    this.msg.show('loading', t('rep.sending'));
    try {
      const rep = await api.post('/api/v1/reports', body);
      this.done(rep);
      this.onCreated(rep);
    } catch (err) {
      if (err instanceof APIError) this.msg.fail(err);
      else {
        this.msg.show('bad', t('rep.fRetry'));
        this.submitBtn.textContent = t('rep.fResend');
      }
    } finally {
      this.submitBtn.disabled = false;
    }
  }

  // done replaces the form with the answer and a way to the report.
  done(rep) {
    const ok = h('button', { type: 'button', class: 'primary', 'data-testid': 'report-close', onclick: () => this.close() }, t('rep.close'));
    this.body.replaceChildren(
      h('p', { class: 'status ok', role: 'status', 'data-testid': 'report-created', 'data-id': rep.id }, t('rep.fCreated')),
      h('div', { class: 'dialog-actions' },
        h('a', { href: `#/reports/${encodeURIComponent(rep.id)}`, class: 'button ghost', 'data-testid': 'report-open', onclick: () => this.close() }, t('rep.fOpen')),
        ok));
    ok.focus();
  }
}
