import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHfDataset } from './hf-hub.ts';
import { writeTestParquet } from './parquet-fixture.ts';
import { parseParquet } from './parquet-rows.ts';
import { resolveDataset } from './resolve.ts';

const part0 = writeTestParquet([
  { name: 'id', values: [0, 1] },
  { name: 'question', values: ['first', 'second'] },
]);
const part1 = writeTestParquet([
  { name: 'id', values: [2] },
  { name: 'question', values: ['third'] },
]);

let server: Server;
let endpoint: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    if (url === '/api/datasets/org/ds/parquet/main/test') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([`${endpoint}/files/0.parquet`, `${endpoint}/files/1.parquet`]));
    } else if (url === '/api/datasets/org/tree-only/tree/refs%2Fconvert%2Fparquet/default/train') {
      res.end(JSON.stringify([{ type: 'file', path: 'default/train/0000.parquet' }]));
    } else if (url === '/datasets/org/tree-only/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet') {
      res.end(part1);
    } else if (url === '/files/0.parquet') res.end(part0);
    else if (url === '/files/1.parquet') res.end(part1);
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('parquet', () => {
  it('reads rows as plain objects with numbers, not BigInt', async () => {
    expect(await parseParquet(part0, 'x.parquet')).toEqual([
      { id: 0, question: 'first' },
      { id: 1, question: 'second' },
    ]);
  });

  it('names the file when it is not parquet', async () => {
    await expect(parseParquet(new Uint8Array([1, 2, 3]), 'broken.parquet')).rejects.toThrow(/parquet unreadable/);
  });
});

describe('hub loader', () => {
  it('lists parquet files through the API, keeps their order, and caches them for offline use', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'evalboard-hf-'));
    const loaded = await loadHfDataset('org/ds', 'main', 'test', { endpoint, cacheDir });
    expect(loaded.rows.map((r) => r.question)).toEqual(['first', 'second', 'third']);
    expect(Object.values(loaded.sources).map((s) => s.rows)).toEqual([2, 1]);
    const before = requests.length;
    const again = await loadHfDataset('org/ds', 'main', 'test', { endpoint: 'http://127.0.0.1:9', cacheDir });
    expect(again.rows).toEqual(loaded.rows);
    expect(requests.length).toBe(before);
  });

  it('falls back to the refs/convert/parquet tree when the API has no listing', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'evalboard-hf-'));
    const loaded = await loadHfDataset('org/tree-only', undefined, 'train', { endpoint, cacheDir });
    expect(loaded.rows).toEqual([{ id: 2, question: 'third' }]);
  });

  it('is what resolveDataset uses when nothing local exists and network is allowed', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'evalboard-hf-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'evalboard-data-'));
    await expect(resolveDataset('org/ds', 'main', undefined, 'test', { dataDir })).rejects.toThrow(
      /not available locally/,
    );
    const loaded = await resolveDataset('org/ds', 'main', undefined, 'test', {
      dataDir,
      cacheDir,
      allowNetwork: true,
      hfEndpoint: endpoint,
    });
    expect(loaded.rows).toHaveLength(3);
  });
});
