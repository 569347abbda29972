/** A row that does not fit the columns (a missing non-nullable value, a value of the wrong type or range). */
export class ParquetRowError extends Error {
  override readonly name = 'ParquetRowError';
  constructor(
    /** 0-based position the row would have had in the file. */
    readonly row: number,
    readonly column: string,
    readonly reason: string,
  ) {
    super(`row ${row}, column "${column}": ${reason}`);
  }
}
