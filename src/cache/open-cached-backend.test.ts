import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBackend, generateRequests } from './fake-backend.fixture.ts';
import { CachingBackend } from './caching-backend.ts';
import { openBackend, openCachedBackend } from './open-cached-backend.ts';

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

describe('openBackend', () => {
  const dummy = { model: 'dummy', batchSize: 4, seed: 3 } as const;

  it('wraps the model in the request cache, keeping its optional methods', async () => {
    const opened = await openBackend({ ...dummy, modelArgs: 'seed=5', cache: { taskNames: ['bps'], cacheDir } });
    expect(opened.backend).toBeInstanceOf(CachingBackend);
    expect(opened.inner.info.settings).toMatchObject({ seed: 5 });
    expect(opened.modelArgs).toEqual({ seed: '5' });
    expect(opened.cache?.path.startsWith(cacheDir)).toBe(true);
    expect(opened.backend.countTokens?.('twelve chars')).toBe(opened.inner.countTokens?.('twelve chars'));
    expect(opened.chatTemplate).toBeUndefined();
    await opened.backend.loglikelihood([{ kind: 'loglikelihood', context: 'a', continuation: 'b' }]);
    await opened.close();
    expect(existsSync(opened.cache!.path)).toBe(true);
  });

  it('gives the model itself without a cache, and the default model args only to the default backend', async () => {
    const opened = await openBackend({ ...dummy, cache: false });
    expect(opened.backend).toBe(opened.inner);
    expect(opened.cache).toBeUndefined();
    expect(opened.modelArgsText).toBe('');
    await opened.close();
  });

  it('fails before any request when a chat template is required and the model has none', async () => {
    await expect(
      openBackend({ ...dummy, cache: { taskNames: ['bps'], cacheDir }, requireChatTemplate: true }),
    ).rejects.toThrow(/model has no chat template/);
    // The dummy can claim 'chat' but renders no template: the capability without the method is not enough.
    const claimsChat = { ...dummy, modelArgs: 'capabilities=generateUntil|chat', cache: false } as const;
    await expect(openBackend({ ...claimsChat, requireChatTemplate: true })).rejects.toThrow(
      /model has no chat template/,
    );
  });

  it('names an unknown backend and a malformed model_args', async () => {
    await expect(openBackend({ ...dummy, model: 'nope', cache: false })).rejects.toThrow(
      /unknown model backend "nope"/,
    );
    await expect(openBackend({ ...dummy, modelArgs: 'seed', cache: false })).rejects.toThrow(/"seed" is not key=value/);
  });
});
