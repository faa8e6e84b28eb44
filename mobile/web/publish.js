// Broadcasting the phone camera live as a camera of one of the crew's
// vehicles, so a crew member on foot is a camera too. The broadcast goes
// on while the crew looks at other sections; only Stop (or logging out)
// ends it.
import { session } from './api.js';
import { h } from './core/dom.js';
import { t } from './i18n.js';
import { canH264, PhonePublisher } from './whip.js';

const STATE = { idle: 'pub.idle', starting: 'pub.connecting', connecting: 'pub.connecting', live: 'pub.live', retrying: 'pub.retrying' };

// cameraID is how the hub names the phone (hub/server/phone.go).
export function cameraID(username) {
  return `phone-${username.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')}`.slice(0, 64);
}

// One broadcast per page, whichever view (language) shows it.
let view = null;
const status = { state: 'idle', detail: null };
const publisher = new PhonePublisher((s, detail) => {
  Object.assign(status, { state: s, detail });
  view?.show();
});

// Leaving the page ends the session at the hub at once (the DELETE is
// sent with keepalive) rather than when ICE times out.
addEventListener('pagehide', () => { if (status.state !== 'idle' && status.state !== 'error') publisher.stop(); });

export class PublishView {
  constructor(app) {
    view = this;
    this.app = app;
    this.publisher = publisher;
    this.select = h('select', { id: 'publish-vehicle', 'data-testid': 'publish-vehicle' });
    this.preview = h('video', { autoplay: true, playsinline: true, muted: true, class: 'preview', 'data-testid': 'publish-preview' });
    this.badge = h('p', { class: 'live-badge', role: 'status', 'aria-live': 'polite', 'data-testid': 'publish-state', dataset: { state: 'idle' } });
    this.message = h('p', { class: 'error', role: 'alert', 'data-testid': 'publish-message' });
    this.startButton = h('button', { type: 'button', class: 'primary wide live', 'data-testid': 'publish-start', onclick: () => this.start() }, t('pub.start'));
    this.stopButton = h('button', { type: 'button', class: 'stop wide', 'data-testid': 'publish-stop', onclick: () => this.stop() }, t('pub.stop'));
    this.el = h('section', { 'data-testid': 'publish' },
      h('h2', {}, t('pub.title')), h('p', { class: 'muted' }, t('pub.intro')),
      h('label', { for: 'publish-vehicle' }, t('pub.vehicle')), this.select,
      h('p', { class: 'muted', 'data-testid': 'publish-camera' }, t('pub.cameraId', cameraID(session?.user?.username ?? ''))),
      this.badge, this.startButton, this.stopButton, this.message, this.preview);
    if (!canH264()) this.message.textContent = t('pub.noH264');
    this.update();
    this.show();
  }

  update() {
    const vs = this.app.data.vehicles ?? [];
    const keep = this.select.value || localStorage.getItem('fieldwatch.crew.publishVehicle') || '';
    const ids = vs.map((v) => v.id).join(',');
    if (ids !== this.ids) {
      this.ids = ids;
      this.select.replaceChildren(...vs.map((v) => h('option', { value: v.id }, v.name || v.id)));
      if (vs.some((v) => v.id === keep)) this.select.value = keep;
    }
    if (!vs.length && status.state === 'idle') this.message.textContent = t('pub.noVehicles');
  }

  show() {
    const { state, detail } = status;
    const active = state !== 'idle' && state !== 'error';
    this.badge.dataset.state = state;
    this.badge.className = `live-badge ${state}`;
    this.badge.textContent = STATE[state] ? t(STATE[state]) : t('pub.idle');
    this.startButton.hidden = active;
    this.stopButton.hidden = !active;
    this.select.disabled = active;
    this.preview.hidden = !active;
    if (active && this.publisher.stream && this.preview.srcObject !== this.publisher.stream) {
      this.preview.srcObject = this.publisher.stream;
      this.preview.play().catch(() => {});
    }
    if (!active) this.preview.srcObject = null;
    if (detail?.key) this.message.textContent = t(detail.key, detail.arg ?? '');
    else if (state === 'live' || state === 'idle') this.message.textContent = canH264() ? '' : t('pub.noH264');
    this.app.onPublish?.(state);
  }

  start() {
    if (!this.select.value) return;
    localStorage.setItem('fieldwatch.crew.publishVehicle', this.select.value);
    this.message.textContent = '';
    this.publisher.start(this.select.value);
  }

  stop() {
    if (status.state !== 'idle') this.publisher.stop();
  }
}
