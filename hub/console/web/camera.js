// The full view of one camera, with statistics from the browser and the
// hub. Those who raise suspicious-sign reports take a snapshot of the
// frame on screen, dated with its capture time when the stream's stamps
// give it, to file with a report.
import { h, num } from './core/dom.js';
import { t } from './i18n.js';
import { WhepPlayer } from './core/whep.js';
import { stateText, Status } from './ui.js';
import { canReport } from './reports.js';
import { jpegOf, openReportForm, uploadPhoto } from './reportform.js';

export class CameraView {
  /**
   * @param {HTMLElement} root
   * @param {string} vehicle
   * @param {string} camera
   * @param {{me?: any}} [opts]
   */
  constructor(root, vehicle, camera, { me } = {}) {
    this.vehicle = vehicle;
    this.camera = camera;
    this.video = h('video', { muted: true, autoplay: true, playsinline: true, controls: true, 'data-testid': 'camera-video' });
    this.video.muted = true;
    this.title = h('h2', {}, `${vehicle} / ${camera}`);
    this.state = 'connecting';
    this.stateEl = h('span', { class: 'badge', 'data-testid': 'camera-state' }, t('cam.connecting'));
    this.stats = h('dl', { class: 'stats', 'data-testid': 'camera-stats' });
    this.snapBtn = canReport(me)
      ? h('button', { type: 'button', class: 'primary snap', title: t('cam.snapshotHelp'), 'data-testid': 'camera-snapshot', onclick: () => this.snapshot() }, t('cam.snapshot'))
      : null;
    this.snapStatus = new Status('camera-snapshot-status');
    root.replaceChildren(h('div', { class: 'camera-layout' },
      h('div', { class: 'camera-main' },
        h('div', { class: 'camera-head' }, h('a', { href: '#/', class: 'back' }, t('view.back')), this.title, this.stateEl, this.snapBtn),
        this.video, this.snapBtn ? this.snapStatus.el : null),
      h('aside', { class: 'side' }, h('h3', {}, t('view.stats')), this.stats)));
    this.player = new WhepPlayer(this.video, vehicle, camera, {
      measure: true,
      onState: (s, d) => { this.state = s; this.detail = d; this.showState(); },
    });
    this.player.start();
    this.prev = null;
    this.timer = setInterval(() => this.sample(), 1000);
    this.hub = null;
  }

  // showState shows the player's state, or no signal over a frozen picture.
  showState() {
    const s = this.state === 'live' && this.player.frozen() ? 'noSignal' : this.state;
    this.stateEl.dataset.state = s;
    this.stateEl.className = `badge ${s === 'live' ? 'on' : 'off'}`;
    this.stateEl.textContent = stateText(s, this.detail);
  }

  update(vehicles) {
    const v = vehicles.find((x) => x.id === this.vehicle);
    const c = v?.cameras.find((x) => x.id === this.camera);
    if (v && c) this.title.textContent = `${v.name} — ${c.name}`;
    this.hub = c?.stats ?? null;
  }

  async sample() {
    this.showState();
    const pc = this.player.pc;
    /** @type {any} the video's inbound-rtp stats */
    let inbound = null;
    if (pc) {
      const report = await pc.getStats();
      report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s; });
    }
    const now = performance.now();
    let kbps = null;
    let fps = inbound?.framesPerSecond ?? null;
    if (inbound && this.prev) {
      const dt = (now - this.prev.at) / 1000;
      kbps = ((inbound.bytesReceived - this.prev.bytes) * 8) / 1000 / dt;
      fps ??= (inbound.framesDecoded - this.prev.frames) / dt;
    }
    if (inbound) this.prev = { at: now, bytes: inbound.bytesReceived, frames: inbound.framesDecoded };
    const jitterMs = inbound?.jitterBufferEmittedCount ? (inbound.jitterBufferDelay / inbound.jitterBufferEmittedCount) * 1000 : null;
    const row = (k, v, id) => [h('dt', {}, t(k)), h('dd', { 'data-testid': id }, v)];
    const kbit = (v) => `${num(v)} ${t('unit.kbps')}`;
    const latency = this.stateEl.dataset.state === 'live' ? this.player.latencyMs : null;
    const hub = this.hub;
    this.stats.replaceChildren(
      ...row('view.bitrate', kbps === null ? '—' : kbit(kbps), 'stat-bitrate'),
      ...row('view.fps', num(fps, 1), 'stat-fps'),
      ...row('view.resolution', inbound?.frameWidth ? `${inbound.frameWidth}×${inbound.frameHeight}` : '—', 'stat-resolution'),
      ...row('view.lost', num(inbound?.packetsLost), 'stat-lost'),
      ...row('view.jitter', jitterMs === null ? '—' : `${num(jitterMs)} ${t('unit.ms')}`, 'stat-jitter'),
      ...row(this.player.latencyOnScreen ? 'view.latency' : 'view.latencyRecv', latency === null ? '—' : `${num(latency)} ${t('unit.ms')}`, 'stat-latency'),
      h('dt', { class: 'sep' }, t('view.hub')), h('dd', { class: 'sep' }, ''),
      ...row('view.hubBitrate', hub ? kbit(hub.bitrate_kbps) : '—', 'hub-bitrate'),
      ...row('view.hubLoss', hub ? `${num(hub.loss_pct, 2)}%` : '—', 'hub-loss'),
      ...row('view.hubLatency', hub?.latency_ms ? `${num(hub.latency_ms, 1)} ${t('unit.ms')}` : '—', 'hub-latency'),
      ...row('view.viewers', hub ? num(hub.viewers) : '—', 'hub-viewers'),
    );
    this.stats.dataset.framesDecoded = String(inbound?.framesDecoded ?? 0);
    this.stats.dataset.latencyOnScreen = String(this.player.latencyOnScreen);
  }

  // snapshot grabs the frame on screen as a JPEG, stores it at the hub and
  // opens the report form with it: which camera, and when the frame was
  // captured (or, without stamps, when it was taken here).
  async snapshot() {
    const v = this.video;
    if (!v.videoWidth || !v.videoHeight) { this.snapStatus.show('bad', t('cam.noFrame')); return; }
    const captured = this.player.captureTime();
    const time = new Date(captured ?? Date.now()).toISOString();
    this.snapBtn.disabled = true;
    this.snapStatus.show('loading', t('cam.snapshotting'));
    let blob;
    try {
      blob = await jpegOf(v, v.videoWidth, v.videoHeight, 0.9);
    } catch (e) {
      this.snapStatus.show('bad', t('cam.snapshotFailed', e.message));
      this.snapBtn.disabled = false;
      return;
    }
    try {
      const id = await uploadPhoto(blob);
      this.snapStatus.clear();
      openReportForm({ vehicle: this.vehicle, photos: [{ id, url: URL.createObjectURL(blob),
        snapshot: { vehicle: this.vehicle, camera: this.camera, time, captured: captured !== null } }] });
    } catch (e) {
      this.snapStatus.fail(e);
    } finally {
      this.snapBtn.disabled = false;
    }
  }

  destroy() { clearInterval(this.timer); this.player.stop(); }
}
