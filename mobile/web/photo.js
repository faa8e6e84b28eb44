// Photos from the phone camera, made ready for the hub: a JPEG no larger
// than MAX pixels on its long side. A small JPEG is kept as it is (with its
// EXIF time and place); anything larger, or another format, is drawn on a
// canvas and encoded again.

export const MAX = 2048;
const QUALITY = 0.85;

/**
 * decode reads an image file, as a bitmap where the browser can.
 * @param {Blob} file
 * @returns {Promise<ImageBitmap | HTMLImageElement>}
 */
async function decode(file) {
  if ('createImageBitmap' in globalThis) {
    try { return await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { /* fall back to <img> */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// prepare returns a JPEG Blob of at most MAX x MAX pixels.
export async function prepare(file) {
  const img = await decode(file);
  const w = img instanceof HTMLImageElement ? img.naturalWidth : img.width;
  const hgt = img instanceof HTMLImageElement ? img.naturalHeight : img.height;
  if (!w || !hgt) throw new Error('empty image');
  const isJPEG = file.type === 'image/jpeg' || /\.jpe?g$/i.test(file.name ?? '');
  if (isJPEG && w <= MAX && hgt <= MAX) {
    if (!(img instanceof HTMLImageElement)) img.close();
    return file.type === 'image/jpeg' ? file : new Blob([file], { type: 'image/jpeg' });
  }
  const scale = Math.min(1, MAX / Math.max(w, hgt));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(hgt * scale);
  canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
  if (!(img instanceof HTMLImageElement)) img.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob) throw new Error('cannot encode JPEG');
  return blob;
}
