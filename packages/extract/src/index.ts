// The extract kind: PostgreSQL reading, type mapping and chunk planning.
export {};
