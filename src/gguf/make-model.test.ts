import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './make-model.ts';
import { readGgufInfo, summarizeGguf } from './read.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'make-model-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('make-model', () => {
  it('writes a preset with overrides', async () => {
    const out = join(dir, 'tiny.gguf');
    await main(['--preset', 'tiny', '--out', out, '--layers', '1', '--type', 'Q8_0', '--tied']);
    const info = await readGgufInfo(out);
    expect(info.metadata['llama.block_count']).toBe(1);
    expect(summarizeGguf(info)).toMatchObject({ quantisation: 'Q8_0', vocabSize: 512 });
    expect(info.tensors.map((t) => t.name)).not.toContain('output.weight');
  });

  it('rejects bad flags with a UserError', async () => {
    await expect(main(['--preset', 'tiny'])).rejects.toThrow(/missing output file/);
    await expect(main(['--preset', 'huge', '--out', 'x'])).rejects.toThrow(/unknown preset "huge"/);
    await expect(main(['--preset', 'tiny', '--out', 'x', '--layers', 'two'])).rejects.toThrow(/not a number: two/);
    await expect(main(['--preset', 'tiny', '--out', 'x', '--type', 'Q4_0'])).rejects.toThrow(/unknown type Q4_0/);
    await expect(main(['--preset', 'tiny', '--out', 'x', '--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
  });
});
