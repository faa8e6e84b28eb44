// The full view of one camera, with statistics from the browser and the hub.
import { h, num } from './dom.js';
import { t } from './i18n.js';
import { WhepPlayer, stateText } from './whep.js';

export class CameraView {
  constructor(root, vehicle, camera) {
    this.vehicle = vehicle;
    this.camera = camera;
    this.video = h('video', { muted: true, autoplay: true, playsinline: true, controls: true, 'data-testid': 'camera-video' });
    this.video.muted = true;
    this.title = h('h2', {}, `${vehicle} / ${camera}`);
    this.state = 'connecting';
    this.stateEl = h('span', { class: 'badge', 'data-testid': 'camera-state' }, t('cam.connecting'));
    this.stats = h('dl', { class: 'stats', 'data-testid': 'camera-stats' });
    root.replaceChildren(h('div', { class: 'camera-layout' },
      h('div', { class: 'camera-main' }, h('div', { class: 'camera-head' }, h('a', { href: '#/', class: 'back' }, t('view.back')), this.title, this.stateEl), this.video),
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

  destroy() { clearInterval(this.timer); this.player.stop(); }
}
