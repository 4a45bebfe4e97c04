import { parquetWriteBuffer, type ColumnSource, type KeyValue, type SchemaElement } from 'hyparquet-writer';

// Columns as LeRobot's files hold them (what pyarrow writes for a pandas / Hugging Face table): nullable
// scalars, and lists in Parquet's three-level LIST form (<name> LIST > repeated list > element), nested
// for image stats ([3][1][1]). hyparquet-writer writes the file; this module only names the schema.

export type Leaf = 'FLOAT' | 'DOUBLE' | 'INT64' | 'STRING';

export interface Column {
  name: string;
  leaf: Leaf;
  /** 0 for a scalar per row, 1 for a list per row, 2-3 for lists of lists. */
  depth: number;
  /** One value per row: numbers, strings, or nested arrays of them (INT64 values become bigint here). */
  data: ArrayLike<unknown>;
}

function leafElement(name: string, leaf: Leaf): SchemaElement {
  if (leaf === 'STRING') return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  return { name, type: leaf, repetition_type: 'OPTIONAL' };
}

function columnSchema(c: Column): SchemaElement[] {
  const out: SchemaElement[] = [];
  let name = c.name;
  for (let d = 0; d < c.depth; d++) {
    out.push({ name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
    out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    name = 'element';
  }
  out.push(leafElement(name, c.leaf));
  return out;
}

/** The writer takes INT64 values as bigint. */
function toBigIntDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toBigIntDeep);
  return typeof v === 'number' ? BigInt(v) : v;
}

export interface TableOptions {
  /** Rows per row group, in order (LeRobot writes one row group per episode); the last size repeats. */
  rowGroups?: number[];
  /** Key-value metadata in the file footer (e.g. pandas' index description). */
  metadata?: KeyValue[];
}

/** A Parquet file (snappy, like pyarrow's default) of equally long columns. */
export function writeTable(columns: Column[], opts: TableOptions = {}): Uint8Array {
  const rows = columns.length ? columns[0].data.length : 0;
  for (const c of columns) {
    if (c.data.length !== rows) throw new Error(`parquet column ${c.name} has ${c.data.length} rows, ${columns[0].name} has ${rows}`);
  }
  const columnData: ColumnSource[] = columns.map((c) => ({
    name: c.name,
    data: (c.leaf !== 'INT64' || c.data instanceof BigInt64Array ? c.data : Array.from(c.data, toBigIntDeep)) as ColumnSource['data'],
  }));
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(columnSchema)];
  const rowGroups = opts.rowGroups?.filter((n) => n > 0);
  const buf = parquetWriteBuffer({
    columnData,
    schema,
    codec: 'SNAPPY',
    rowGroupSize: rowGroups?.length ? rowGroups : Math.max(1, rows),
    kvMetadata: opts.metadata,
    createdBy: 'vla-playground export-lerobot (hyparquet-writer)',
  });
  return new Uint8Array(buf);
}
