/** A source the job's spec got wrong (a missing table, column or key): `field` names the spec field to fix. */
export class SourceError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
