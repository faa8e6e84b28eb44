// The phone's camera as a live camera of a vehicle: getUserMedia, a
// send-only RTCPeerConnection and WHIP (RFC 9725) to POST
// /whip/{vehicle}/phone with the crew member's bearer token. The hub's
// relay forwards H.264 only (no transcoding; see hub/relay/api.go), so
// H.264 is put first, packetization-mode 1, Constrained Baseline first;
// VP8 stays last in the offer only for a future hub that takes it. The
// stream appears on the console as camera phone-<username> of the vehicle.
// It reconnects with backoff until stopped, and keeps the screen awake.
import { session } from './api.js';
import { gathered } from './core/whep.js';

// codecOrder puts H.264 (mode 1, 42e01f first) ahead of VP8, then the rest.
export function codecOrder(codecs) {
  const rank = (c) => {
    const mime = c.mimeType.toLowerCase();
    const fmtp = c.sdpFmtpLine ?? '';
    if (mime === 'video/h264') {
      if (!fmtp.includes('packetization-mode=1')) return 5;
      if (fmtp.includes('profile-level-id=42e01f')) return 0;
      if (fmtp.includes('profile-level-id=42001f')) return 1;
      return 2;
    }
    if (mime === 'video/vp8') return 6;
    if (mime === 'video/rtx' || mime === 'video/red' || mime === 'video/ulpfec') return 7;
    return 9;
  };
  return codecs.filter((c) => rank(c) < 9).sort((a, b) => rank(a) - rank(b));
}

export const canH264 = () => typeof RTCRtpSender !== 'undefined'
  && (RTCRtpSender.getCapabilities?.('video')?.codecs ?? []).some((c) => c.mimeType.toLowerCase() === 'video/h264');

// videoAccepted tells whether the answer kept the video m-line (port 0
// means refused: no codec in common).
function videoAccepted(sdp) {
  return /^m=video [1-9]/m.test(sdp);
}

export class PhonePublisher {
  // onState(state, detail): idle, starting, connecting, live, retrying,
  // error (detail: a dictionary key and its argument), stopped.
  /** @param {(state: string, detail?: any) => void} [onState] */
  constructor(onState = () => {}) {
    this.onState = onState;
    this.stream = null;
    this.pc = null;
    this.location = null;
    this.stopped = true;
    this.attempt = 0;
    this.videoOK = true;
  }

  headers(extra = {}) {
    return session?.token ? { ...extra, Authorization: `Bearer ${session.token}` } : extra;
  }

  async start(vehicle) {
    this.stopped = false;
    this.vehicle = vehicle;
    this.attempt = 0;
    this.onState('starting');
    if (!navigator.mediaDevices?.getUserMedia) {
      this.fail('pub.insecure');
      return;
    }
    const video = { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 25, max: 30 } };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video, audio: true });
    } catch {
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
      } catch (e) {
        this.fail('pub.noCamera', e.message || e.name);
        return;
      }
    }
    if (this.stopped) { this.release(); return; }
    this.wake();
    this.connect();
  }

  async wake() {
    try { this.wakeLock = await navigator.wakeLock?.request('screen'); } catch { /* not granted: fine */ }
  }

  fail(key, arg) {
    this.stopped = true;
    this.teardown();
    this.release();
    this.onState('error', { key, arg });
  }

  release() {
    for (const tr of this.stream?.getTracks() ?? []) tr.stop();
    this.stream = null;
    this.wakeLock?.release?.().catch(() => {});
    this.wakeLock = null;
  }

  teardown() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    if (this.pc) { this.pc.close(); this.pc = null; }
    if (this.location) {
      fetch(this.location, { method: 'DELETE', headers: this.headers(), credentials: 'same-origin', keepalive: true }).catch(() => {});
      this.location = null;
    }
  }

  stop() {
    this.stopped = true;
    this.teardown();
    this.release();
    this.onState('idle');
  }

  retry(detail) {
    this.teardown();
    if (this.stopped) return;
    this.onState('retrying', detail);
    const delay = Math.min(1000 * 2 ** this.attempt++, 10000) * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  async connect() {
    if (this.stopped || !this.stream) return;
    this.onState('connecting');
    const pc = new RTCPeerConnection();
    this.pc = pc;
    const [vt] = this.stream.getVideoTracks();
    const [at] = this.stream.getAudioTracks();
    const vx = pc.addTransceiver(vt, { direction: 'sendonly', streams: [this.stream] });
    const caps = RTCRtpSender.getCapabilities?.('video')?.codecs;
    if (caps && vx.setCodecPreferences) {
      try { vx.setCodecPreferences(codecOrder(caps)); } catch { /* keep the browser's order */ }
    }
    if (at) pc.addTransceiver(at, { direction: 'sendonly', streams: [this.stream] });
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const s = pc.connectionState;
      if (s === 'connected') {
        this.attempt = 0;
        this.limitBitrate(vx.sender);
        this.onState('live', this.videoOK ? null : { key: 'pub.noVideo' });
      }
      if (s === 'failed' || s === 'closed') this.retry();
      if (s === 'disconnected') {
        this.onState('retrying');
        clearTimeout(this.stallTimer);
        this.stallTimer = setTimeout(() => { if (pc === this.pc && pc.connectionState !== 'connected') this.retry(); }, 4000);
      }
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 1500);
      const resp = await fetch(`/whip/${encodeURIComponent(this.vehicle)}/phone`, {
        method: 'POST', credentials: 'same-origin', headers: this.headers({ 'Content-Type': 'application/sdp' }), body: pc.localDescription.sdp,
      });
      if (pc !== this.pc) return;
      if (resp.status === 401) { this.fail('login.session'); return; }
      if (resp.status === 403) { this.fail('pub.forbidden'); return; }
      if (resp.status === 406) { this.fail('pub.noH264'); return; }
      if (resp.status !== 201) {
        const body = await resp.json().catch(() => ({}));
        if (resp.status >= 400 && resp.status < 500 && resp.status !== 408 && resp.status !== 429) {
          this.fail('pub.error', body?.error?.message ?? resp.status);
          return;
        }
        this.retry({ key: 'pub.error', arg: resp.status });
        return;
      }
      this.location = resp.headers.get('Location');
      const answer = await resp.text();
      this.videoOK = videoAccepted(answer);
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (err) {
      if (pc === this.pc) this.retry({ key: 'pub.error', arg: err.message });
    }
  }

  // limitBitrate keeps a phone on a cellular uplink under 1.5 Mbit/s.
  async limitBitrate(sender) {
    try {
      const p = sender.getParameters();
      if (!p.encodings?.length) return;
      p.encodings[0].maxBitrate = 1500000;
      await sender.setParameters(p);
    } catch { /* the browser's own rate control then */ }
  }
}
