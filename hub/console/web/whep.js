// A WHEP player (RFC 9725 signalling) for one camera, in a <video>.
// It reconnects by itself, with backoff, when the stream or the link drops.
// With measure set it reads the capture-time SEI stamps from the encoded
// frames (Chromium's encoded insertable streams) to show true latency.

const SEI_UUID = [0x6f, 0x1e, 0x4c, 0x2a, 0x93, 0xb7, 0x4d, 0x5e, 0x8a, 0x61, 0x0c, 0x7f, 0x2b, 0x9d, 0x3e, 0x84];
const canMeasure = typeof RTCRtpReceiver !== 'undefined' && 'createEncodedStreams' in RTCRtpReceiver.prototype;

export class WhepPlayer {
  constructor(video, vehicle, camera, { onState = () => {}, measure = false } = {}) {
    Object.assign(this, { video, vehicle, camera, onState, measure: measure && canMeasure });
    this.stopped = false;
    this.attempt = 0;
    this.latencyMs = null;
    this.pc = null;
    this.location = null;
  }

  start() { this.stopped = false; this.connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.teardown();
  }

  teardown() {
    if (this.pc) { this.pc.close(); this.pc = null; }
    if (this.location) {
      fetch(this.location, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {});
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
    const pc = new RTCPeerConnection(this.measure ? { encodedInsertableStreams: true } : {});
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = (ev) => {
      if (this.measure) this.tap(ev.receiver, ev.track.kind);
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
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp,
      });
      if (pc !== this.pc) return;
      if (resp.status === 401 || resp.status === 403) { this.stopped = true; this.teardown(); this.onState('forbidden'); return; }
      if (resp.status === 404) { this.retry('offline'); return; }
      if (resp.status !== 201) { this.retry('error', `${resp.status}`); return; }
      this.location = resp.headers.get('Location');
      await pc.setRemoteDescription({ type: 'answer', sdp: await resp.text() });
    } catch (err) {
      if (pc === this.pc) this.retry('error', err.message);
    }
  }

  // tap passes encoded frames through unchanged, reading SEI stamps on the way.
  tap(receiver, kind) {
    const { readable, writable } = receiver.createEncodedStreams();
    const player = this;
    const transform = new TransformStream({
      transform(frame, controller) {
        if (kind === 'video') {
          const stamp = findStamp(new Uint8Array(frame.data));
          if (stamp !== null) player.latencyMs = Date.now() - stamp;
        }
        controller.enqueue(frame);
      },
    });
    readable.pipeThrough(transform).pipeTo(writable).catch(() => {});
  }
}

function gathered(pc, maxMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') done(); });
  });
}

// findStamp finds our SEI user_data_unregistered stamp in an Annex-B
// access unit and returns its Unix time in milliseconds, or null.
export function findStamp(b) {
  for (let i = 0; i + 4 < b.length; i++) {
    if (b[i] !== 0 || b[i + 1] !== 0 || b[i + 2] !== 1) continue;
    if ((b[i + 3] & 0x1f) !== 6) continue;
    // Remove emulation prevention bytes from the SEI payload.
    const rbsp = [];
    for (let j = i + 4, zeros = 0; j < b.length && rbsp.length < 2 + 16 + 8 + 4; j++) {
      if (zeros >= 2 && b[j] === 3) { zeros = 0; continue; }
      if (zeros >= 2 && b[j] <= 1) break; // next start code
      zeros = b[j] === 0 ? zeros + 1 : 0;
      rbsp.push(b[j]);
    }
    if (rbsp[0] !== 5 || rbsp[1] !== 24) continue;
    if (!SEI_UUID.every((v, k) => rbsp[2 + k] === v)) continue;
    let ns = 0n;
    for (let k = 0; k < 8; k++) ns = (ns << 8n) | BigInt(rbsp[18 + k]);
    return Number(ns / 1000000n);
  }
  return null;
}
