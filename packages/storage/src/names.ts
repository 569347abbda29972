import { InvalidBlobPathError, InvalidContainerNameError } from './errors.js';

const MAX_BLOB_PATH_LENGTH = 1024;

/**
 * Checks a container name against Azure's rules: 3–63 characters; lowercase letters, digits and hyphens;
 * starting and ending with a letter or digit; no two hyphens in a row.
 * Returns the reason when invalid, `undefined` when valid.
 */
export function validateContainerName(name: string): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long (is ${name.length})`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'may contain only lowercase letters, digits and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  return undefined;
}

/**
 * Checks a blob path: 1–1024 characters, relative, `/`-separated segments that are not empty, `.` or `..`,
 * no backslashes or control characters. Returns the reason when invalid, `undefined` when valid.
 */
export function validateBlobPath(path: string): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path.length === 0 || path.length > MAX_BLOB_PATH_LENGTH)
    return `must be 1 to ${MAX_BLOB_PATH_LENGTH} characters long (is ${path.length})`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return 'must not contain backslashes or control characters';
  for (const segment of path.split('/')) {
    if (segment === '') return 'must not start or end with "/" or contain "//"';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
  }
  return undefined;
}

/** Throws `InvalidContainerNameError` unless the name is valid. */
export function assertContainerName(name: string): void {
  const reason = validateContainerName(name);
  if (reason !== undefined) throw new InvalidContainerNameError(name, reason);
}

/** Throws `InvalidBlobPathError` unless the path is valid. */
export function assertBlobPath(path: string): void {
  const reason = validateBlobPath(path);
  if (reason !== undefined) throw new InvalidBlobPathError(path, reason);
}
