// The subset of parquetjs-lite 0.8.7 (untyped CommonJS) used by this package.

declare module 'parquetjs-lite' {
  namespace parquet {
    interface FieldDefinition {
      type: string;
      optional?: boolean;
      compression?: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP';
      encoding?: 'PLAIN';
      /** `false` writes no min/max statistics for the column. */
      statistics?: false;
    }

    class ParquetSchema {
      constructor(fields: Record<string, FieldDefinition>);
    }

    interface EnvelopeOptions {
      /** Rows per data page. Default 8192. */
      pageSize?: number;
      /** Default true; false writes version 1 data pages. */
      useDataPageV2?: boolean;
      /** Default: column and offset indexes are written. */
      pageIndex?: boolean;
    }

    /** Writes file sections through `write`; `close` ends the output. */
    class ParquetEnvelopeWriter {
      constructor(
        schema: ParquetSchema,
        write: (chunk: Buffer) => Promise<void>,
        close: () => Promise<void>,
        fileOffset: number,
        options: EnvelopeOptions,
      );
    }

    /** Buffers rows into row groups and hands them to an envelope writer. Throws strings, not Errors. */
    class ParquetWriter {
      constructor(schema: ParquetSchema, envelopeWriter: ParquetEnvelopeWriter, options: { rowGroupSize?: number });
      appendRow(row: Record<string, unknown>): Promise<void>;
      close(): Promise<void>;
    }
  }
  export = parquet;
}

declare module 'parquetjs-lite/lib/types.js' {
  namespace types {
    interface LogicalType {
      primitiveType: string;
      originalType?: string;
      /** Converts a row value to the physical value the encoder writes. */
      toPrimitive(value: unknown): unknown;
    }
    const PARQUET_LOGICAL_TYPES: Record<string, LogicalType | undefined>;
  }
  export = types;
}
