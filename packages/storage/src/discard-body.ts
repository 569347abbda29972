/**
 * After a failed put, destroys a stream body the store did not (fully) consume, so that whoever produces
 * into it (e.g. a Parquet writer feeding a PassThrough) sees the stream close instead of waiting forever.
 * Destroyed without an error: that emits 'close', never an 'error' nobody may be listening to.
 */
export function discardBody(body: Buffer | NodeJS.ReadableStream): void {
  if (Buffer.isBuffer(body)) return;
  const stream = body as NodeJS.ReadableStream & { destroy?: () => void; destroyed?: boolean };
  if (typeof stream.destroy === 'function' && !stream.destroyed) stream.destroy();
}
