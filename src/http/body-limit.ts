/**
 * How much of a request body is not image data: the bytes outside long runs of base64 text (an
 * `ImageInput.base64` value, or a data: URL's payload). A body may be as large as an image allows only
 * for the image it carries; the rest is held to a much smaller cap, checked on the raw bytes before any
 * JSON is parsed (a large body of many small values costs far more memory parsed than its size).
 */

/** Shortest run of base64 text counted as an image (64 KiB). */
export const MIN_IMAGE_RUN = 64 * 1024;

/** Base64 and base64url letters, padding, and the backslash of a JSON escape ("\/", "\n" in MIME base64). */
const BASE64_BYTE = (() => {
  const table = new Uint8Array(256);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_\\") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** Bytes of `body` outside runs of at least `minRun` base64 characters. */
export function bytesBesideImages(body: Uint8Array, minRun = MIN_IMAGE_RUN): number {
  let inRuns = 0;
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    if (BASE64_BYTE[body[i]]) run++;
    else {
      if (run >= minRun) inRuns += run;
      run = 0;
    }
  }
  if (run >= minRun) inRuns += run;
  return body.length - inRuns;
}
