// A WHEP player (RFC 9725 signalling) for one vehicle camera, in a
// <video>, with the crew member's bearer token. It reconnects by itself,
// with backoff, when the stream or the link drops. (Adapted from the
// console's whep.js without its latency measurement.)
import { session } from './api.js';
import { gathered } from './whip.js';

export class WhepPlayer {
  constructor(video, vehicle, camera, onState = () => {}) {
    Object.assign(this, { video, vehicle, camera, onState });
    this.stopped = false;
    this.attempt = 0;
    this.pc = null;
    this.location = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.teardown();
  }

  headers(extra = {}) {
    return session?.token ? { ...extra, Authorization: `Bearer ${session.token}` } : extra;
  }

  teardown() {
    if (this.pc) { this.pc.close(); this.pc = null; }
    if (this.location) {
      fetch(this.location, { method: 'DELETE', headers: this.headers(), credentials: 'same-origin', keepalive: true }).catch(() => {});
      this.location = null;
    }
  }

  retry(state, detail) {
    this.teardown();
    if (this.stopped) return;
    this.onState(state, detail);
    const delay = Math.min(500 * 2 ** this.attempt++, 5000) * (0.5 + Math.random() / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  async connect() {
    if (this.stopped) return;
    this.onState('connecting');
    const pc = new RTCPeerConnection();
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = (ev) => {
      if (ev.track.kind !== 'video') return;
      this.video.srcObject = ev.streams[0] ?? new MediaStream([ev.track]);
      this.video.play().catch(() => {});
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const s = pc.connectionState;
      if (s === 'connected') { this.attempt = 0; this.onState('live'); }
      if (s === 'failed' || s === 'closed') this.retry('noSignal');
      if (s === 'disconnected') {
        this.onState('noSignal');
        clearTimeout(this.stallTimer);
        this.stallTimer = setTimeout(() => { if (pc === this.pc && pc.connectionState !== 'connected') this.retry('noSignal'); }, 4000);
      }
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 1000);
      const resp = await fetch(`/whep/${encodeURIComponent(this.vehicle)}/${encodeURIComponent(this.camera)}`, {
        method: 'POST', credentials: 'same-origin', headers: this.headers({ 'Content-Type': 'application/sdp' }), body: pc.localDescription.sdp,
      });
      if (pc !== this.pc) return;
      if (resp.status === 401 || resp.status === 403) {
        this.stopped = true;
        this.teardown();
        this.onState(resp.status === 401 ? 'unauthorized' : 'forbidden');
        return;
      }
      if (resp.status === 404) { this.retry('offline'); return; }
      if (resp.status !== 201) { this.retry('error', `${resp.status}`); return; }
      this.location = resp.headers.get('Location');
      await pc.setRemoteDescription({ type: 'answer', sdp: await resp.text() });
    } catch (err) {
      if (pc === this.pc) this.retry('error', err.message);
    }
  }
}
