// Suspicious-sign reports (Decision 888 Art. 17: report promptly to the
// leader, act only with the leader's approval). The form takes a title,
// what was seen, the proposed action, the vehicle, the GPS position and
// photos from the phone camera; the report goes to the outbox and from
// there to the hub or to the vehicle (which forwards text and photos to
// the hub when linked). The list shows each
// report's state and the leader's decision, and lets the crew report an
// approved action done.
import { hub, owner } from './api.js';
import { h, keyed, uuid } from './core/dom.js';
import { formatTime, t } from './i18n.js';
import { prepare } from './photo.js';

const STATE = { pending: 'rep.stPending', approved: 'rep.stApproved', rejected: 'rep.stRejected', done: 'rep.stDone' };
const STEP = { raised: 'tl.raised', approved: 'tl.approved', rejected: 'tl.rejected', replied: 'tl.replied', done: 'tl.done' };

function vehicleName(app, id) {
  return app.data.vehicles?.find((v) => v.id === id)?.name || id;
}

// sentKey keeps, on a vehicle, what this phone handed to the vehicle.
const sentKey = () => `fieldwatch.crew.sent.${owner()}`;

export function rememberSent(item) {
  const list = JSON.parse(localStorage.getItem(sentKey()) ?? '[]');
  list.unshift({ client_id: item.payload.client_id, title: item.label, at: new Date().toISOString() });
  localStorage.setItem(sentKey(), JSON.stringify(list.slice(0, 30)));
}

class ReportForm {
  // prev is the same form in the other language: what was written stays.
  constructor(app, onClose, prev = null) {
    this.app = app;
    this.onClose = onClose;
    this.photos = prev?.photos ?? [];
    this.position = prev?.position ?? null;
    this.busy = 0;
    const vehicleMode = app.mode.mode === 'vehicle';
    const input = (id, label, el) => [h('label', { for: id }, label), el];
    this.title = h('input', { id: 'report-title', 'data-testid': 'report-title', maxlength: 200, autocomplete: 'off' });
    this.text = h('textarea', { id: 'report-text', 'data-testid': 'report-text', rows: 4, maxlength: 8000 });
    this.action = h('textarea', { id: 'report-action', 'data-testid': 'report-action', rows: 3, maxlength: 8000 });
    this.vehicle = vehicleMode ? null : h('select', { id: 'report-vehicle', 'data-testid': 'report-vehicle' },
      h('option', { value: '' }, t('rep.noVehicle')),
      (app.data.vehicles ?? []).map((v) => h('option', { value: v.id }, v.name || v.id)));
    if (this.vehicle && app.data.vehicles?.length === 1) this.vehicle.value = app.data.vehicles[0].id;
    this.gps = h('p', { class: 'gps', 'data-testid': 'report-gps', dataset: { state: 'none' } }, t('rep.gpsNone'));
    this.file = h('input', {
      id: 'report-photos', type: 'file', accept: 'image/*', capture: 'environment', multiple: true, class: 'visually-hidden',
      'data-testid': 'report-photos', onchange: () => this.addPhotos(),
    });
    this.thumbs = h('div', { class: 'thumbs', 'data-testid': 'report-thumbs' });
    this.count = h('p', { class: 'muted', 'data-testid': 'report-photo-count', dataset: { count: '0', busy: '0' } }, t('rep.photoCount', 0));
    this.vehicleNote = vehicleMode ? h('div', { class: 'notice', hidden: true, 'data-testid': 'report-vehicle-photos' },
      h('p', {}, t('rep.vehicleNoPhotos'))) : null;
    this.err = h('p', { class: 'error', role: 'alert', 'data-testid': 'report-error' });
    this.submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'report-submit' }, t('rep.submit'));
    this.el = h('form', { class: 'card form report-form', 'data-testid': 'report-form', novalidate: true, onsubmit: (ev) => this.save(ev) },
      h('h2', {}, t('rep.formTitle')),
      input('report-title', t('rep.fTitle'), this.title),
      input('report-text', t('rep.fText'), this.text),
      input('report-action', t('rep.fAction'), this.action),
      this.vehicle ? input('report-vehicle', t('rep.fVehicle'), this.vehicle) : null,
      h('fieldset', {}, h('legend', {}, t('rep.gps')), this.gps,
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'report-gps-retry', onclick: () => this.locate() }, t('rep.gpsRetry'))),
      h('fieldset', {}, h('legend', {}, t('rep.photos')),
        h('label', { for: 'report-photos', class: 'button secondary', role: 'button' }, t('rep.addPhoto')), this.file,
        this.count, this.thumbs, this.vehicleNote),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'report-cancel', onclick: () => this.close() }, t('rep.cancel')),
        this.submit),
      this.err);
    if (prev) {
      for (const k of ['title', 'text', 'action', 'vehicle']) {
        if (this[k] && prev[k]) this[k].value = prev[k].value;
      }
      this.showPhotos();
    }
    if (this.position) this.showPosition(this.position);
    else this.locate();
  }

  showPosition(p) {
    this.gps.dataset.state = 'ok';
    this.gps.textContent = t('rep.gpsAt', p.lat.toFixed(5), p.lon.toFixed(5), Math.round(p.accuracy ?? 0));
  }

  locate() {
    if (!navigator.geolocation) return;
    this.gps.dataset.state = 'wait';
    this.gps.textContent = t('rep.gpsWait');
    navigator.geolocation.getCurrentPosition((p) => {
      this.position = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy };
      this.showPosition(this.position);
    }, () => {
      this.gps.dataset.state = this.position ? 'ok' : 'none';
      if (!this.position) this.gps.textContent = t('rep.gpsNone');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  async addPhotos() {
    const files = [...this.file.files];
    this.file.value = '';
    this.busy += files.length;
    this.showPhotos();
    for (const f of files) {
      try {
        const blob = await prepare(f);
        this.photos.push({ blob, url: URL.createObjectURL(blob) });
      } catch (e) {
        this.err.textContent = t('rep.photoError', e.message);
      } finally {
        this.busy--;
        this.showPhotos();
      }
    }
  }

  showPhotos() {
    this.count.dataset.count = String(this.photos.length);
    this.count.dataset.busy = String(this.busy);
    this.count.textContent = this.busy ? t('rep.photoBusy') : t('rep.photoCount', this.photos.length);
    this.submit.disabled = this.busy > 0;
    this.thumbs.replaceChildren(...this.photos.map((p, i) => h('figure', {},
      h('img', { src: p.url, alt: '' }),
      h('button', { type: 'button', class: 'remove', 'aria-label': t('rep.photoRemove', i + 1), 'data-testid': `report-photo-remove-${i}`, onclick: () => {
        URL.revokeObjectURL(p.url);
        this.photos.splice(i, 1);
        this.showPhotos();
      } }, '✕'))));
    if (this.vehicleNote) this.vehicleNote.hidden = this.photos.length === 0;
  }

  async save(ev) {
    ev.preventDefault();
    const title = this.title.value.trim();
    const text = this.text.value.trim();
    const action = this.action.value.trim();
    if (!title && !text) { this.err.textContent = t('rep.need'); return; }
    if (this.busy) return;
    this.submit.disabled = true;
    const label = title || (text.length > 60 ? `${text.slice(0, 60)}…` : text);
    const clientID = uuid();
    const blobs = this.photos.map((p) => p.blob);
    try {
      if (this.app.mode.mode === 'vehicle') {
        const payload = { client_id: clientID, title, text, action };
        if (this.position) Object.assign(payload, { lat: this.position.lat, lon: this.position.lon });
        await this.app.outbox.add('vreport', { label, payload, photos: blobs });
      } else {
        const payload = { client_id: clientID, title, text, action, vehicle: this.vehicle?.value ?? '', via: 'phone' };
        if (this.position) payload.position = { lat: this.position.lat, lon: this.position.lon };
        await this.app.outbox.add('report', { label, payload, photos: blobs });
      }
    } catch (e) {
      this.err.textContent = t('app.error', e.message);
      this.submit.disabled = false;
      return;
    }
    this.close(t('rep.saved'));
  }

  close(notice = '') {
    for (const p of this.photos) URL.revokeObjectURL(p.url);
    this.photos = [];
    this.onClose(notice);
  }
}

export class ReportsView {
  // prevForm: an open form of the view this one replaces.
  constructor(app, prevForm = null) {
    this.app = app;
    this.form = null;
    this.photoURLs = new Map(); // report id -> blob URLs shown
    this.notice = h('p', { class: 'status ok', role: 'status', 'data-testid': 'report-notice' });
    this.newButton = h('button', { type: 'button', class: 'primary wide', 'data-testid': 'report-new', onclick: () => this.openForm() }, t('rep.new'));
    this.formBox = h('div');
    this.held = h('div', { 'data-testid': 'report-held' });
    this.entries = new Map();
    this.empty = h('p', { class: 'muted' }, t('rep.none'));
    this.list = h('div', { class: 'list', 'data-testid': 'reports-list' });
    this.el = h('section', { 'data-testid': 'reports' }, h('h2', {}, t('rep.title')), this.newButton, this.notice, this.formBox, this.held, this.empty, this.list);
    if (prevForm) this.openForm(prevForm);
  }

  openForm(prev = null) {
    this.notice.textContent = '';
    this.form = new ReportForm(this.app, (notice) => {
      this.form = null;
      this.formBox.replaceChildren();
      this.newButton.hidden = false;
      this.list.hidden = false;
      this.empty.hidden = false;
      this.notice.textContent = notice;
      this.update();
    }, prev);
    this.newButton.hidden = true;
    this.list.hidden = true;
    this.empty.hidden = true;
    this.formBox.replaceChildren(this.form.el);
    this.form.title.focus();
  }

  update() {
    this.updateHeld();
    if (this.form) return;
    const app = this.app;
    // Every row: a key, what it shows (its signature) and how to build it.
    const rows = app.outbox.items.filter((i) => (i.kind === 'report' || i.kind === 'vreport') && i.owner === app.outbox.owner).map((i) => ({
      key: `q${i.seq}`, sig: JSON.stringify([i.state, i.error, i.label]),
      build: () => h('article', { class: 'report waiting', 'data-testid': `report-queued-${i.seq}`, dataset: { state: i.state } },
        h('h3', {}, i.label), h('p', { class: 'badge waiting' }, i.state === 'failed' ? t('q.stFailed', i.error) : t('q.stQueued')),
        h('p', { class: 'meta' }, t('q.created', formatTime(i.created)))),
    }));
    if (app.mode.mode === 'vehicle') {
      const sent = JSON.parse(localStorage.getItem(sentKey()) ?? '[]');
      if (sent.length) rows.push({ key: 'history', sig: '', build: () => h('h3', {}, t('rep.localHistory')) });
      for (const s of sent) {
        rows.push({ key: `s${s.client_id}`, sig: '', build: () => h('article', { class: 'report', 'data-testid': `report-sent-${s.client_id}` },
          h('h3', {}, s.title), h('p', { class: 'meta' }, t('rep.created', formatTime(s.at))), h('p', {}, t('rep.viaVehicle'))) });
      }
    } else {
      for (const r of app.data.reports ?? []) {
        const doneItem = app.outbox.items.find((i) => i.kind === 'done' && i.payload.id === r.id);
        rows.push({
          key: r.id, sig: JSON.stringify([r, doneItem?.state, doneItem?.code, this.photoURLs.get(r.id)?.length ?? 0]),
          build: () => this.card(r, doneItem),
        });
      }
    }
    this.empty.hidden = rows.length > 0;
    keyed(this.list, this.entries, rows, (row) => row.key, (row) => row.sig, (row) => row.build());
  }

  // updateHeld lists photos kept on a vehicle's phone for the hub.
  updateHeld() {
    const held = this.app.outbox.items.filter((i) => i.state === 'held');
    const sig = held.map((i) => i.seq).join(',');
    if (sig === this.heldSig) return;
    this.heldSig = sig;
    for (const u of this.heldURLs ?? []) URL.revokeObjectURL(u);
    this.heldURLs = [];
    if (!held.length) { this.held.replaceChildren(); return; }
    this.held.replaceChildren(h('div', { class: 'card notice' }, h('h3', {}, t('rep.heldTitle')), h('p', {}, t('rep.heldHelp')),
      held.map((i) => h('div', { class: 'held', 'data-testid': `held-${i.seq}` }, h('strong', {}, i.label),
        h('div', { class: 'thumbs' }, i.photos.map((b, n) => {
          const url = URL.createObjectURL(b);
          this.heldURLs.push(url);
          return h('figure', {}, h('img', { src: url, alt: '' }),
            h('a', { href: url, download: `bao-cao-${i.payload.client_id}-${n + 1}.jpg`, class: 'button secondary' }, t('rep.save')));
        })),
        h('button', { type: 'button', class: 'secondary', onclick: () => { if (confirm(t('q.deleteConfirm'))) this.app.outbox.remove(i.seq); } }, t('q.delete'))))));
  }

  card(r, doneItem) {
    const app = this.app;
    const decision = r.decision ? h('p', { class: `decision ${r.state}`, 'data-testid': `report-decision-${r.id}` },
      t('rep.decision', r.decision.name || r.decision.by, formatTime(r.decision.time), r.decision.note || '—')) : null;
    let done = null;
    if (doneItem?.state === 'failed') {
      done = h('p', { class: 'error', 'data-testid': `report-done-error-${r.id}` }, doneItem.code === 'not_approved' ? t('rep.notApproved') : t('q.stFailed', doneItem.error));
    } else if (doneItem) {
      done = h('p', { class: 'pending-send' }, t('rep.doneQueued'));
    } else if (r.state === 'approved') {
      const note = h('textarea', { rows: 2, 'data-testid': `report-done-note-${r.id}`, 'aria-label': t('rep.doneNote'), placeholder: t('rep.doneNote') });
      done = h('div', { class: 'done' }, note, h('button', { type: 'button', class: 'primary', 'data-testid': `report-done-${r.id}`, onclick: async () => {
        await app.outbox.add('done', { label: r.title || r.text, payload: { id: r.id, note: note.value.trim() } });
        this.update();
      } }, t('rep.done')));
    }
    const photos = h('div', { class: 'thumbs' }, (this.photoURLs.get(r.id) ?? []).map((u) => h('img', { src: u, alt: '' })));
    return h('article', { class: `report ${r.state}`, 'data-testid': `report-${r.id}`, dataset: { state: r.state } },
      h('h3', {}, r.title || '—'),
      h('p', { class: `badge state-${r.state}`, 'data-testid': `report-state-${r.id}` }, t(STATE[r.state] ?? 'rep.stPending')),
      h('p', { class: 'meta' }, t('rep.created', formatTime(r.created)), ' · ', t('rep.by', r.by_name || r.by),
        r.vehicle ? [' · ', vehicleName(app, r.vehicle)] : null),
      r.text ? h('p', {}, r.text) : null,
      r.action ? h('p', {}, t('rep.proposed', r.action)) : null,
      decision, done,
      r.photos?.length ? h('div', {}, h('button', { type: 'button', class: 'secondary', onclick: () => this.loadPhotos(r) }, `${t('rep.showPhotos')} (${t('rep.photosN', r.photos.length)})`), photos) : null,
      r.timeline?.length ? h('details', {}, h('summary', {}, t('rep.timeline')),
        h('ol', { class: 'timeline' }, r.timeline.map((s) => h('li', {}, t('tl.step', formatTime(s.time), t(STEP[s.what] ?? 'tl.raised'), s.name || s.by), s.note ? `: ${s.note}` : '')))) : null);
  }

  async loadPhotos(r) {
    if (this.photoURLs.has(r.id)) return;
    try {
      const urls = [];
      for (const id of r.photos) urls.push(URL.createObjectURL(await hub.photo(id)));
      this.photoURLs.set(r.id, urls);
      this.update();
    } catch (e) {
      this.notice.textContent = t('app.error', e.message);
    }
  }
}
