import { ValidationError } from '@partita/contracts';

/** An opaque page cursor: the last row's creation time and id (rows are listed newest first, by both). */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A cursor's time and id, refused with a 400 unless exactly as encodeCursor writes them: a forged one (a date out of
 * range or that does not exist, an id that is no UUID) never reaches the database.
 */
export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  const [createdAt, id] = parts;
  const time = createdAt !== undefined && ISO_TIME.test(createdAt) ? new Date(createdAt) : null;
  const real = time !== null && !Number.isNaN(time.getTime()) && time.toISOString() === createdAt;
  if (parts.length !== 2 || !real || id === undefined || !UUID.test(id)) {
    throw new ValidationError('cursor is not one returned by this API', [{ path: 'cursor', message: 'unknown cursor' }]);
  }
  return { createdAt, id };
}
