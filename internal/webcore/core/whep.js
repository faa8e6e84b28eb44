// A WHEP player (RFC 9725 signalling) for one vehicle camera, in a
// <video>, used by the console and the crew app. It reconnects by itself,
// with backoff, when the stream or the link drops:
//
//   connecting -> live                      (the peer connection is up)
//   live -> noSignal -> (4 s) connecting    (disconnected and not back)
//   any -> noSignal|offline|error -> connecting after 0.25–5 s, doubling
//   any -> unauthorized|forbidden           (401/403: stops for good)
//
// With measure set it reads the capture-time SEI stamps from the encoded
// frames (Chromium's encoded insertable streams) and matches them, by RTP
// timestamp, with the frames the <video> presents: capture -> screen latency.
import { findStamp } from './sei.js';

/**
 * @typedef {'connecting' | 'live' | 'noSignal' | 'offline' | 'error' | 'unauthorized' | 'forbidden'} PlayerState
 * @typedef {(state: PlayerState, detail?: string) => void} StateListener
 * @typedef {object} PlayerOptions
 * @property {StateListener} [onState] told every change of state
 * @property {boolean} [measure] read the capture-time stamps (where the browser can)
 * @property {() => Record<string, string>} [headers] extra request headers, e.g. a bearer token
 */

const canMeasure = typeof RTCRtpReceiver !== 'undefined' && 'createEncodedStreams' in RTCRtpReceiver.prototype;

/** STATE_KEYS maps a player state to its dictionary key; an error is 'cam.error' with its detail. */
export const STATE_KEYS = Object.freeze({
  connecting: 'cam.connecting', live: 'cam.live', noSignal: 'cam.noSignal', offline: 'cam.offline',
  forbidden: 'cam.forbidden', unauthorized: 'cam.unauthorized',
});

/**
 * stateKey is the dictionary key of what a player shows in a state.
 * @param {string} state
 * @returns {string}
 */
export function stateKey(state) {
  return Object.hasOwn(STATE_KEYS, state) ? STATE_KEYS[/** @type {keyof typeof STATE_KEYS} */ (state)] : 'cam.error';
}

export class WhepPlayer {
  /**
   * @param {HTMLVideoElement} video
   * @param {string} vehicle
   * @param {string} camera
   * @param {PlayerOptions | StateListener} [options] (a function: onState)
   */
  constructor(video, vehicle, camera, options = {}) {
    const o = typeof options === 'function' ? { onState: options } : options;
    this.video = video;
    this.vehicle = vehicle;
    this.camera = camera;
    /** @type {StateListener} */
    this.onState = o.onState ?? (() => {});
    this.measure = Boolean(o.measure) && canMeasure;
    /** @type {() => Record<string, string>} */
    this.extraHeaders = o.headers ?? (() => ({}));
    this.stopped = false;
    this.watching = false;
    this.attempt = 0;
    /** @type {number | null} capture -> screen; capture -> receipt until a presented frame matches */
    this.latencyMs = null;
    this.latencyOnScreen = false;
    /** @type {Map<number, number>} RTP timestamp -> capture time (Unix ms), last few frames */
    this.stamps = new Map();
    this.lastFrameAt = 0; // performance.now() of the last presented frame
    /** @type {number | null} capture time (Unix ms) of the frame on screen, when known */
    this.shownCapture = null;
    /** @type {{rtp: number, captured: number} | null} the last presented frame with a stamp */
    this.lastStamp = null;
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    /** @type {string | null} the WHEP session's URL */
    this.location = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.stallTimer = undefined;
  }

  start() {
    this.stopped = false;
    this.watchFrames();
    this.connect();
  }

  /**
   * frozen tells whether the picture has stood still for longer than ms
   * although the connection is up (the stream stopped upstream).
   * @param {number} [ms]
   */
  frozen(ms = 1500) {
    return this.pc?.connectionState === 'connected' && this.lastFrameAt > 0 && performance.now() - this.lastFrameAt > ms;
  }

  // watchFrames follows every presented frame: when the last one was shown,
  // and with measure the latency of the stamped ones (the frame's expected
  // display time minus its capture time).
  watchFrames() {
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype) || this.watching) return;
    this.watching = true;
    /** @type {VideoFrameRequestCallback} */
    const onFrame = (now, meta) => {
      if (this.stopped) { this.watching = false; return; }
      this.lastFrameAt = now;
      const captured = this.measure && meta.rtpTimestamp !== undefined ? this.stamps.get(meta.rtpTimestamp) : undefined;
      if (captured !== undefined && meta.rtpTimestamp !== undefined) {
        this.latencyMs = performance.timeOrigin + meta.expectedDisplayTime - captured;
        this.latencyOnScreen = true;
        this.lastStamp = { rtp: meta.rtpTimestamp, captured };
      }
      this.shownCapture = captured ?? this.sinceStamp(meta.rtpTimestamp);
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  /**
   * sinceStamp dates an unstamped frame from the last stamped one by their
   * RTP timestamps (90 kHz for video, RFC 6184 Sec. 8.2.1), within 5 s.
   * @param {number | undefined} rtp
   * @returns {number | null}
   */
  sinceStamp(rtp) {
    if (!this.lastStamp || rtp === undefined) return null;
    const ticks = (rtp - this.lastStamp.rtp) >>> 0;
    return ticks <= 5 * 90000 ? this.lastStamp.captured + ticks / 90 : null;
  }

  /**
   * captureTime is when the frame now on screen was captured (Unix ms), or
   * null when the stream carries no stamps or the browser cannot read them.
   */
  captureTime() {
    return this.shownCapture;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.teardown();
  }

  /**
   * headers are the request headers: the caller's (a bearer token) and extra.
   * @param {Record<string, string>} [extra]
   * @returns {Record<string, string>}
   */
  headers(extra = {}) {
    return { ...this.extraHeaders(), ...extra };
  }

  teardown() {
    if (this.pc) { this.pc.close(); this.pc = null; }
    if (this.location) {
      fetch(this.location, { method: 'DELETE', headers: this.headers(), credentials: 'same-origin', keepalive: true }).catch(() => {});
      this.location = null;
    }
  }

  /**
   * retry says state and connects again after a growing, jittered delay.
   * @param {PlayerState} state
   * @param {string} [detail]
   */
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
    const pc = new RTCPeerConnection(/** @type {RTCConfiguration} */ (this.measure ? { encodedInsertableStreams: true } : {}));
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
        method: 'POST', credentials: 'same-origin', headers: this.headers({ 'Content-Type': 'application/sdp' }), body: pc.localDescription?.sdp,
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
      if (pc === this.pc) this.retry('error', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * stamped notes a received frame's capture time. Without frame callbacks
   * the latency shown is capture -> receipt (a lower bound).
   * @param {number} rtpTimestamp
   * @param {number} capturedMs
   */
  stamped(rtpTimestamp, capturedMs) {
    this.stamps.set(rtpTimestamp, capturedMs);
    if (this.stamps.size > 64) {
      const oldest = this.stamps.keys().next().value;
      if (oldest !== undefined) this.stamps.delete(oldest);
    }
    if (!this.latencyOnScreen) this.latencyMs = Date.now() - capturedMs;
  }

  /**
   * tap passes encoded frames through unchanged, reading SEI stamps on the way.
   * @param {RTCRtpReceiver} receiver
   * @param {string} kind
   */
  tap(receiver, kind) {
    /** @type {{readable: ReadableStream<RTCEncodedVideoFrame>, writable: WritableStream<RTCEncodedVideoFrame>}} */
    // @ts-ignore: Chromium's encoded insertable streams are not in the DOM typings
    const { readable, writable } = receiver.createEncodedStreams();
    const player = this;
    const transform = new TransformStream({
      /**
       * @param {RTCEncodedVideoFrame} frame
       * @param {TransformStreamDefaultController<RTCEncodedVideoFrame>} controller
       */
      transform(frame, controller) {
        if (kind === 'video') {
          const stamp = findStamp(new Uint8Array(frame.data));
          // @ts-ignore: older Chromium frames carry only timestamp
          if (stamp !== null) player.stamped(frame.getMetadata?.().rtpTimestamp ?? frame.timestamp, stamp);
        }
        controller.enqueue(frame);
      },
    });
    readable.pipeThrough(transform).pipeTo(writable).catch(() => {});
  }
}

/**
 * gathered waits for ICE gathering to end (WHIP and WHEP here do not
 * trickle), at most maxMs.
 * @param {RTCPeerConnection} pc
 * @param {number} maxMs
 * @returns {Promise<void>}
 */
export function gathered(pc, maxMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') done(); });
  });
}
