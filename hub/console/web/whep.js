// A WHEP player (RFC 9725 signalling) for one camera, in a <video>.
// It reconnects by itself, with backoff, when the stream or the link drops.
// With measure set it reads the capture-time SEI stamps from the encoded
// frames (Chromium's encoded insertable streams) and matches them, by RTP
// timestamp, with the frames the <video> presents: capture -> screen latency.
import { t } from './i18n.js';
import { findStamp } from './sei.js';

const canMeasure = typeof RTCRtpReceiver !== 'undefined' && 'createEncodedStreams' in RTCRtpReceiver.prototype;

export class WhepPlayer {
  constructor(video, vehicle, camera, { onState = () => {}, measure = false } = {}) {
    Object.assign(this, { video, vehicle, camera, onState, measure: measure && canMeasure });
    this.stopped = false;
    this.attempt = 0;
    this.latencyMs = null; // capture -> screen; capture -> receipt until a presented frame matches
    this.latencyOnScreen = false;
    this.stamps = new Map(); // RTP timestamp -> capture time (Unix ms), last few frames
    this.lastFrameAt = 0; // performance.now() of the last presented frame
    this.shownCapture = null; // capture time (Unix ms) of the frame on screen, when known
    this.lastStamp = null; // {rtp, captured} of the last presented frame with a stamp
    this.pc = null;
    this.location = null;
  }

  start() {
    this.stopped = false;
    this.watchFrames();
    this.connect();
  }

  // frozen tells whether the picture has stood still for longer than ms
  // although the connection is up (the stream stopped upstream).
  frozen(ms = 1500) {
    return this.pc?.connectionState === 'connected' && this.lastFrameAt > 0 && performance.now() - this.lastFrameAt > ms;
  }

  // watchFrames follows every presented frame: when the last one was shown,
  // and with measure the latency of the stamped ones (the frame's expected
  // display time minus its capture time).
  watchFrames() {
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype) || this.watching) return;
    this.watching = true;
    const onFrame = (now, meta) => {
      if (this.stopped) { this.watching = false; return; }
      this.lastFrameAt = now;
      const captured = this.measure ? this.stamps.get(meta.rtpTimestamp) : undefined;
      if (captured !== undefined) {
        this.latencyMs = performance.timeOrigin + meta.expectedDisplayTime - captured;
        this.latencyOnScreen = true;
        this.lastStamp = { rtp: meta.rtpTimestamp, captured };
      }
      this.shownCapture = captured ?? this.sinceStamp(meta.rtpTimestamp);
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  // sinceStamp dates an unstamped frame from the last stamped one by their
  // RTP timestamps (90 kHz for video, RFC 6184 Sec. 8.2.1), within 5 s.
  sinceStamp(rtp) {
    if (!this.lastStamp || rtp === undefined) return null;
    const ticks = (rtp - this.lastStamp.rtp) >>> 0;
    return ticks <= 5 * 90000 ? this.lastStamp.captured + ticks / 90 : null;
  }

  // captureTime is when the frame now on screen was captured (Unix ms), or
  // null when the stream carries no stamps or the browser cannot read them.
  captureTime() {
    return this.shownCapture;
  }

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
    this.lastStamp = null; // a new stream starts its own RTP timestamps
    this.shownCapture = null;
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

  // stamped notes a received frame's capture time. Without frame callbacks
  // the latency shown is capture -> receipt (a lower bound).
  stamped(rtpTimestamp, capturedMs) {
    this.stamps.set(rtpTimestamp, capturedMs);
    if (this.stamps.size > 64) this.stamps.delete(this.stamps.keys().next().value);
    if (!this.latencyOnScreen) this.latencyMs = Date.now() - capturedMs;
  }

  // tap passes encoded frames through unchanged, reading SEI stamps on the way.
  tap(receiver, kind) {
    const { readable, writable } = receiver.createEncodedStreams();
    const player = this;
    const transform = new TransformStream({
      transform(frame, controller) {
        if (kind === 'video') {
          const stamp = findStamp(new Uint8Array(frame.data));
          if (stamp !== null) player.stamped(frame.getMetadata?.().rtpTimestamp ?? frame.timestamp, stamp);
        }
        controller.enqueue(frame);
      },
    });
    readable.pipeThrough(transform).pipeTo(writable).catch(() => {});
  }
}

// stateText is what a tile or the full view says for a player state.
export function stateText(state, detail) {
  const key = {
    connecting: 'cam.connecting', live: 'cam.live', noSignal: 'cam.noSignal', offline: 'cam.offline',
    camDown: 'cam.down', forbidden: 'cam.forbidden', unauthorized: 'cam.unauthorized',
  }[state];
  return key ? t(key) : t('cam.error', detail ?? '');
}

function gathered(pc, maxMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') done(); });
  });
}
