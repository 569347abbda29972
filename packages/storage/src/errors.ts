/** The blob (or its container) does not exist. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(
    readonly container: string,
    readonly path: string,
  ) {
    super(`blob not found: ${container}/${path}`);
  }
}

/** The container does not exist (call `ensureContainer` first). */
export class ContainerNotFoundError extends Error {
  override readonly name = 'ContainerNotFoundError';
  constructor(readonly container: string) {
    super(`container not found: ${container}`);
  }
}

/** A container name that breaks Azure's naming rules. */
export class InvalidContainerNameError extends Error {
  override readonly name = 'InvalidContainerNameError';
  constructor(
    readonly container: string,
    readonly reason: string,
  ) {
    super(`invalid container name ${JSON.stringify(container)}: ${reason}`);
  }
}

/** A blob path that is not a clean relative path. */
export class InvalidBlobPathError extends Error {
  override readonly name = 'InvalidBlobPathError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`invalid blob path ${JSON.stringify(path)}: ${reason}`);
  }
}
