import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openScoreCache } from './score-store.ts';
import { openRequestCache } from './store.ts';

describe('the persistent score cache', () => {
  it('keeps every value set before the process was killed, in a file the request cache still reads', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evalboard-scores-')), 'cache.sqlite');
    const script = new URL('./score-kill.fixture.ts', import.meta.url).pathname;
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, path, '50'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    expect(child.signal).toBe('SIGKILL');

    const scores = openScoreCache(path);
    expect(scores.get('key-0')).toEqual({ value: 0, details: { status: 'passed' } });
    expect(scores.get('key-49')).toEqual({ value: 49, details: { status: 'passed' } });
    expect(scores.get('key-50')).toBeUndefined();
    expect(scores.stats()).toEqual({ hits: 2, writes: 0 });
    scores.set('pair', [1, 2]);
    scores.close();

    const requests = openRequestCache(path);
    expect(requests.recovered).toBeUndefined();
    requests.close();
    expect(openScoreCache(path).get('pair')).toEqual([1, 2]);
  });
});
