import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userErrorOf } from '../../tests/helpers.ts';
import { parseJsonDocument, parseJsonl, readJsonl } from './json-rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'evalboard-json-'));

describe('JSON Lines', () => {
  it('reads one object per line, skipping blank lines', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\r\n', 'f.jsonl')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names the bad line', () => {
    const e = userErrorOf(() => parseJsonl('{"a":1}\n{"a":\n', 'f.jsonl'));
    expect(e.location).toMatchObject({ file: 'f.jsonl', line: 2 });
    expect(e.message).toMatch(/^bad JSON on line 2/);
  });

  it('records sha256 and row count, and reports invalid UTF-8 with its line', async () => {
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '\ufeff{"q":"é"}\n');
    const loaded = await readJsonl(good);
    expect(loaded.rows).toEqual([{ q: 'é' }]);
    expect(loaded.sources[good]).toEqual({
      sha256: createHash('sha256').update(readFileSync(good)).digest('hex'),
      rows: 1,
    });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    await expect(readJsonl(bad)).rejects.toThrow(/invalid UTF-8 at line 2/);
  });
});

describe('JSON documents', () => {
  it('reads an array of records, an object of columns, or records under a field', () => {
    expect(parseJsonDocument('[{"a":1},{"a":2}]', 'f.json')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseJsonDocument('{"a":[1,2],"b":["x","y"]}', 'f.json')).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(parseJsonDocument('{"canary":"c","examples":[{"input":"i"}]}', 'f.json', { field: 'examples' })).toEqual([
      { input: 'i' },
    ]);
  });

  it('locates a syntax error by line', () => {
    const e = userErrorOf(() => parseJsonDocument('[\n{"a":1},\n{"a":}\n]', 'f.json'));
    expect(e.location.line).toBe(3);
  });

  it('rejects columns of different lengths', () => {
    expect(() => parseJsonDocument('{"a":[1],"b":[1,2]}', 'f.json')).toThrow(/equal-length/);
  });
});
