import { ValidationError } from '@partita/contracts';

/** An opaque page cursor: the last row's creation time and id (rows are listed newest first, by both). */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationError('cursor is not one returned by this API', [{ path: 'cursor', message: 'unknown cursor' }]);
  }
  return { createdAt, id };
}
