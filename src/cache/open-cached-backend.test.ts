import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBackend, generateRequests } from './fake-backend.fixture.ts';
import { openCachedBackend } from './open-cached-backend.ts';

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'evalboard-open-cached-'));
});
afterEach(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('openCachedBackend', () => {
  it('uses one file per model and task set, whatever the task order', async () => {
    const first = openCachedBackend(new FakeBackend(), { taskNames: ['arc_easy', 'gsm8k'], cacheDir });
    expect(first.path.startsWith(join(cacheDir, 'requests'))).toBe(true);
    await first.backend.generateUntil(generateRequests(2));
    first.close();
    expect(existsSync(first.path)).toBe(true);

    const inner = new FakeBackend();
    const second = openCachedBackend(inner, { taskNames: ['gsm8k', 'arc_easy'], cacheDir });
    expect(second.path).toBe(first.path);
    await second.backend.generateUntil(generateRequests(2));
    expect(second.stats()).toMatchObject({ hits: 2, fresh: 0 });
    expect(inner.calls).toHaveLength(0);
    second.close();
  });

  it('honours an explicit path and reports a recovered file', () => {
    const path = join(cacheDir, 'custom', 'mine.sqlite');
    mkdirSync(join(cacheDir, 'custom'));
    writeFileSync(path, 'definitely not sqlite'.repeat(100));
    const handle = openCachedBackend(new FakeBackend(), { path, taskNames: ['x'] });
    expect(handle.path).toBe(path);
    expect(handle.recovered?.movedTo).toContain('mine.sqlite.corrupt-');
    handle.close();
  });
});
