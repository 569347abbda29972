// The subset of parquetjs-lite 0.8.7 (untyped CommonJS) the benchmark drives.
declare module 'parquetjs-lite' {
  namespace parquet {
    class ParquetSchema {
      constructor(fields: Record<string, { type: string; optional?: boolean; compression?: string }>);
    }
    class ParquetEnvelopeWriter {
      constructor(
        schema: ParquetSchema,
        write: (chunk: Buffer) => Promise<void>,
        close: () => Promise<void>,
        fileOffset: number,
        options: { useDataPageV2?: boolean },
      );
    }
    class ParquetWriter {
      constructor(schema: ParquetSchema, envelopeWriter: ParquetEnvelopeWriter, options: { rowGroupSize?: number });
      appendRow(row: Record<string, unknown>): Promise<void>;
      close(): Promise<void>;
    }
  }
  export = parquet;
}
