// Capture-time stamps in H.264 SEI user_data_unregistered messages (ITU-T
// H.264 D.1.6), as the vehicle's cameras (sim/seistamp) write them: our
// 16-byte UUID, then the capture wall clock as big-endian Unix nanoseconds.

// SEI_UUID is sim/seistamp.UUID.
const SEI_UUID = [0x6f, 0x1e, 0x4c, 0x2a, 0x93, 0xb7, 0x4d, 0x5e, 0x8a, 0x61, 0x0c, 0x7f, 0x2b, 0x9d, 0x3e, 0x84];

/**
 * findStamp finds our SEI user_data_unregistered stamp in an Annex-B
 * access unit and returns its Unix time in milliseconds, or null.
 * @param {Uint8Array} b
 * @returns {number | null}
 */
export function findStamp(b) {
  for (let i = 0; i + 4 < b.length; i++) {
    if (b[i] !== 0 || b[i + 1] !== 0 || b[i + 2] !== 1) continue;
    const type = b[i + 3] & 0x1f;
    if (type >= 1 && type <= 5) return null; // SEI comes before the slices
    if (type !== 6) continue;
    // Remove emulation prevention bytes from the SEI payload.
    /** @type {number[]} */
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
