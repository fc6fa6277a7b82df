/**
 * Test-only: writes a minimal Parquet file (one row group, required INT64 and UTF-8 columns,
 * PLAIN encoding, uncompressed) so loader tests need no binary fixtures or writer dependency.
 * Thrift compact protocol, as the Parquet spec's footer and page headers use it.
 */
type Column = { name: string; values: readonly number[] } | { name: string; values: readonly string[] };

class CompactWriter {
  readonly bytes: number[] = [];
  private lastField: number[] = [0];

  varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: number): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]!;
    this.bytes.push(((id - last) << 4) | type);
    this.lastField[this.lastField.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.header(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: number): void {
    this.header(id, 6);
    this.zigzag(v);
  }
  string(id: number, s: string): void {
    this.header(id, 8);
    const b = Buffer.from(s, 'utf8');
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  struct(id: number, body: () => void): void {
    this.header(id, 12);
    this.inStruct(body);
  }
  inStruct(body: () => void): void {
    this.lastField.push(0);
    body();
    this.bytes.push(0);
    this.lastField.pop();
  }
  list(id: number, elementType: number, items: readonly (() => void)[]): void {
    this.header(id, 9);
    this.bytes.push((Math.min(items.length, 15) << 4) | elementType);
    if (items.length >= 15) this.varint(BigInt(items.length));
    for (const item of items) item();
  }
  rawI32(v: number): void {
    this.zigzag(v);
  }
}

export function writeTestParquet(columns: readonly Column[]): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  const out: number[] = [...Buffer.from('PAR1')];
  const chunks: { offset: number; size: number; isString: boolean; name: string }[] = [];
  for (const column of columns) {
    const isString = typeof column.values[0] === 'string';
    const data: number[] = [];
    for (const value of column.values) {
      if (isString) {
        const b = Buffer.from(value as string, 'utf8');
        const len = Buffer.alloc(4);
        len.writeUInt32LE(b.length);
        data.push(...len, ...b);
      } else {
        const b = Buffer.alloc(8);
        b.writeBigInt64LE(BigInt(value as number));
        data.push(...b);
      }
    }
    const page = new CompactWriter();
    page.inStruct(() => {
      page.i32(1, 0); // DATA_PAGE
      page.i32(2, data.length);
      page.i32(3, data.length);
      page.struct(5, () => {
        page.i32(1, rows);
        page.i32(2, 0); // PLAIN
        page.i32(3, 3); // RLE
        page.i32(4, 3);
      });
    });
    chunks.push({ offset: out.length, size: page.bytes.length + data.length, isString, name: column.name });
    out.push(...page.bytes, ...data);
  }
  const meta = new CompactWriter();
  meta.inStruct(() => {
    meta.i32(1, 1);
    meta.list(2, 12, [
      () =>
        meta.inStruct(() => {
          meta.string(4, 'schema');
          meta.i32(5, columns.length);
        }),
      ...chunks.map(
        (c) => () =>
          meta.inStruct(() => {
            meta.i32(1, c.isString ? 6 : 2); // BYTE_ARRAY / INT64
            meta.i32(3, 0); // REQUIRED
            meta.string(4, c.name);
            if (c.isString) meta.i32(6, 0); // UTF8
          }),
      ),
    ]);
    meta.i64(3, rows);
    meta.list(4, 12, [
      () =>
        meta.inStruct(() => {
          meta.list(
            1,
            12,
            chunks.map(
              (c) => () =>
                meta.inStruct(() => {
                  meta.i64(2, c.offset);
                  meta.struct(3, () => {
                    meta.i32(1, c.isString ? 6 : 2);
                    meta.list(2, 5, [() => meta.rawI32(0)]);
                    meta.list(3, 8, [
                      () => {
                        const b = Buffer.from(c.name, 'utf8');
                        meta.varint(BigInt(b.length));
                        meta.bytes.push(...b);
                      },
                    ]);
                    meta.i32(4, 0); // UNCOMPRESSED
                    meta.i64(5, rows);
                    meta.i64(6, c.size);
                    meta.i64(7, c.size);
                    meta.i64(9, c.offset);
                  });
                }),
            ),
          );
          meta.i64(
            2,
            chunks.reduce((sum, c) => sum + c.size, 0),
          );
          meta.i64(3, rows);
        }),
    ]);
  });
  const footerLength = Buffer.alloc(4);
  footerLength.writeUInt32LE(meta.bytes.length);
  out.push(...meta.bytes, ...footerLength, ...Buffer.from('PAR1'));
  return Uint8Array.from(out);
}
