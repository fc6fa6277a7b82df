import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../errors.ts';
import { parseHubSpec, resolveModelLocation } from './model-location.ts';

const SHARED_MODELS = fileURLToPath(new URL('../../../shared/models/', import.meta.url));
const FILE = randomBytes(300_000);
const FILE_SHA = createHash('sha256').update(FILE).digest('hex');
const FILE_PATH = '/owner/repo/resolve/main/dir/model.gguf';

interface SeenRequest {
  readonly path: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
  bodyBytes: number;
}

/** What the fake hub does; tests change it before each call. */
const hub = {
  etag: `"${FILE_SHA}"`,
  /** Cut the next response's connection once this many bytes of the file have gone out. */
  dropAt: undefined as number | undefined,
  honourRange: true,
  /** Cut every response right after its headers. */
  alwaysDrop: false,
  /** Answer like the real hub for LFS files: a redirect carrying X-Linked-Etag, then an ETag-less CDN. */
  redirectToCdn: false,
  requests: [] as SeenRequest[],
};

let server: Server;
let hubUrl: string;
let dir: string;
let cacheDir: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://hub').pathname;
    const seen: SeenRequest = {
      path,
      range: request.headers.range,
      authorization: request.headers.authorization,
      bodyBytes: 0,
    };
    hub.requests.push(seen);
    if (hub.redirectToCdn && path === FILE_PATH) {
      response.writeHead(302, { Location: `/cdn${path}`, 'X-Linked-Etag': hub.etag, 'X-Linked-Size': FILE.length });
      response.end();
      return;
    }
    if (path !== FILE_PATH && path !== `/cdn${FILE_PATH}` && path !== '/owner/repo/resolve/v1.0/model.gguf') {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const start = hub.honourRange ? Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0) : 0;
    const headers: Record<string, string | number> = path.startsWith('/cdn') ? {} : { ETag: hub.etag };
    if (start >= FILE.length && start > 0) {
      response.writeHead(416, { ...headers, 'Content-Range': `bytes */${FILE.length}` }).end();
      return;
    }
    const body = FILE.subarray(start);
    headers['Content-Length'] = body.length;
    if (start > 0) headers['Content-Range'] = `bytes ${start}-${FILE.length - 1}/${FILE.length}`;
    response.writeHead(start > 0 ? 206 : 200, headers);
    if (hub.alwaysDrop) {
      response.flushHeaders();
      response.socket?.destroy();
      return;
    }
    if (hub.dropAt !== undefined && hub.dropAt > start) {
      const part = body.subarray(0, hub.dropAt - start);
      hub.dropAt = undefined;
      seen.bodyBytes = part.length;
      // Destroy only once the bytes are flushed to the socket, so the client really gets them.
      response.write(part, () => response.socket?.destroy());
      return;
    }
    seen.bodyBytes = body.length;
    response.end(body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-location-'));
  cacheDir = join(dir, 'cache');
  Object.assign(hub, {
    etag: `"${FILE_SHA}"`,
    dropAt: undefined,
    honourRange: true,
    redirectToCdn: false,
    requests: [],
  });
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('HF_HUB_OFFLINE', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const cachedPath = (revision = 'main', ...path: string[]) =>
  join(cacheDir, 'models', 'owner', 'repo', revision, ...(path.length ? path : ['dir', 'model.gguf']));

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

async function expectUserError(promise: Promise<unknown>, message: RegExp): Promise<UserError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).message).toMatch(message);
  expect((error as UserError).format()).not.toContain('\n');
  return error as UserError;
}

describe('local paths', () => {
  it('returns an existing file, relative or absolute', async () => {
    const file = join(dir, 'm.gguf');
    await writeFile(file, 'x');
    expect(await resolveModelLocation(file)).toBe(file);
    expect(await resolveModelLocation(relative(process.cwd(), file))).toBe(resolve(file));
  });

  it('rejects a missing file or a directory', async () => {
    await expectUserError(resolveModelLocation('./nope/model.gguf'), /^model file not found: \.\/nope\/model\.gguf$/);
    await expectUserError(resolveModelLocation(dir), /not a file/);
  });
});

describe('hf: specs', () => {
  it('parses owner, repo, revision and path', () => {
    expect(parseHubSpec('hf:ggml-org/models/tinyllamas/stories260K.gguf')).toEqual({
      owner: 'ggml-org',
      repo: 'models',
      revision: 'main',
      path: 'tinyllamas/stories260K.gguf',
    });
    expect(parseHubSpec('hf:o/r@refs%2Fpr%2F1/f.gguf').revision).toBe('refs/pr/1');
    for (const bad of [
      'hf:owner',
      'hf:owner/repo',
      'hf:o/r/../x.gguf',
      'hf:o/r//x.gguf',
      'hf:o/r@a@b/x.gguf',
      'hf:/r/x',
    ]) {
      expect(() => parseHubSpec(bad), bad).toThrow(UserError);
    }
  });

  it('finds a file in the model path by repo path or basename, without the network', async () => {
    const opts = { cacheDir, hubUrl, modelPath: [join(dir, 'empty'), SHARED_MODELS] };
    expect(await resolveModelLocation('hf:ggml-org/models/tinyllamas/stories260K.gguf', opts)).toBe(
      join(SHARED_MODELS, 'stories260K.gguf'),
    );
    const nested = join(dir, 'models');
    await mkdir(join(nested, 'tinyllamas'), { recursive: true });
    await writeFile(join(nested, 'tinyllamas', 'stories260K.gguf'), 'x');
    vi.stubEnv('EVALBOARD_MODEL_PATH', `${join(dir, 'nothing')}:${nested}`);
    expect(await resolveModelLocation('hf:ggml-org/models/tinyllamas/stories260K.gguf', { cacheDir, hubUrl })).toBe(
      join(nested, 'tinyllamas', 'stories260K.gguf'),
    );
    expect(hub.requests).toHaveLength(0);
  });

  it('offline: names where it looked and never touches the network', async () => {
    const error = await expectUserError(
      resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [dir], offline: true }),
      /hf:owner\/repo\/dir\/model.gguf is not available offline/,
    );
    expect(error.hint).toContain(cachedPath());
    expect(error.hint).toContain(join(dir, 'model.gguf'));
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    await expectUserError(resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl }), /offline/);
    expect(hub.requests).toHaveLength(0);
  });
});

describe('downloads from the hub', () => {
  it('downloads into the cache with progress and the token, then serves it from the cache', async () => {
    vi.stubEnv('HF_TOKEN', 'secret');
    const progress: [number, number][] = [];
    const onProgress = (done: number, total: number) => progress.push([done, total]);
    const path = await resolveModelLocation('hf:owner/repo/dir/model.gguf', {
      cacheDir,
      hubUrl,
      modelPath: [],
      onProgress,
    });
    expect(path).toBe(cachedPath());
    expect((await readFile(path)).equals(FILE)).toBe(true);
    expect(progress.at(-1)).toEqual([FILE.length, FILE.length]);
    expect(hub.requests).toEqual([
      { path: FILE_PATH, range: undefined, authorization: 'Bearer secret', bodyBytes: FILE.length },
    ]);
    expect(await filesUnder(cacheDir)).toEqual([relative(cacheDir, cachedPath())]);

    expect(await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] })).toBe(path);
    expect(hub.requests).toHaveLength(1);
  });

  it('resumes with a Range request after the connection drops half-way', async () => {
    const half = FILE.length / 2;
    hub.dropAt = half;
    const path = await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect((await readFile(path)).equals(FILE)).toBe(true);
    const [first, second, ...more] = hub.requests;
    expect(more).toEqual([]);
    expect(first).toMatchObject({ range: undefined, bodyBytes: half });
    // fetch discards chunks still queued when the connection errors, so the part may hold a bit less than half.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(second?.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(half);
    expect(second?.bodyBytes).toBe(FILE.length - resumedAt);
  });

  it('resumes a .part left by an earlier run, and restarts when the server ignores Range', async () => {
    await mkdir(join(cacheDir, 'models', 'owner', 'repo', 'main', 'dir'), { recursive: true });
    await writeFile(`${cachedPath()}.part`, FILE.subarray(0, 1000));
    await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect(hub.requests[0]).toMatchObject({ range: 'bytes=1000-', bodyBytes: FILE.length - 1000 });
    expect((await readFile(cachedPath())).equals(FILE)).toBe(true);

    await rm(cachedPath());
    await writeFile(`${cachedPath()}.part`, Buffer.from('garbage that is not the start of the file'));
    hub.honourRange = false;
    await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect((await readFile(cachedPath())).equals(FILE)).toBe(true);
  });

  it('finishes a complete .part (416) and follows the hub redirect with X-Linked-Etag', async () => {
    await mkdir(join(cacheDir, 'models', 'owner', 'repo', 'main', 'dir'), { recursive: true });
    await writeFile(`${cachedPath()}.part`, FILE);
    await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect((await readFile(cachedPath())).equals(FILE)).toBe(true);

    await rm(cacheDir, { recursive: true });
    hub.redirectToCdn = true;
    hub.etag = `"${'0'.repeat(64)}"`; // the sha256 only the redirect carries: must be checked
    await expectUserError(
      resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] }),
      /does not match/,
    );
    hub.etag = `"${FILE_SHA}"`;
    await resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect(hub.requests.map((r) => r.path).slice(-2)).toEqual([FILE_PATH, `/cdn${FILE_PATH}`]);
  });

  it('rejects a sha256 mismatch and leaves nothing in the cache', async () => {
    hub.etag = `"${createHash('sha256').update('other').digest('hex')}"`;
    const error = await expectUserError(
      resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] }),
      /is corrupt: sha256 [0-9a-f]{64} does not match the hub's [0-9a-f]{64}/,
    );
    expect(error.hint).toMatch(/deleted/);
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it('404 names the URL; a revision goes into the URL and the cache path', async () => {
    await expectUserError(
      resolveModelLocation('hf:owner/repo/missing.gguf', { cacheDir, hubUrl, modelPath: [] }),
      new RegExp(`^not found on the hub: ${hubUrl}/owner/repo/resolve/main/missing.gguf$`),
    );
    expect(await filesUnder(cacheDir)).toEqual([]);
    const path = await resolveModelLocation('hf:owner/repo@v1.0/model.gguf', { cacheDir, hubUrl, modelPath: [] });
    expect(path).toBe(cachedPath('v1.0', 'model.gguf'));
    expect(hub.requests.at(-1)?.path).toBe('/owner/repo/resolve/v1.0/model.gguf');
  });

  it('gives up after repeated attempts that add no bytes, keeping the part', async () => {
    await mkdir(join(cacheDir, 'models', 'owner', 'repo', 'main', 'dir'), { recursive: true });
    await writeFile(`${cachedPath()}.part`, FILE.subarray(0, 1000));
    hub.alwaysDrop = true;
    const error = await expectUserError(
      resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl, modelPath: [] }),
      /^download interrupted: /,
    );
    expect(error.hint).toContain('run again to resume');
    expect(hub.requests).toHaveLength(3);
    expect(await filesUnder(cacheDir)).toEqual([relative(cacheDir, `${cachedPath()}.part`)]);
  });

  it('an unreachable hub is a UserError', async () => {
    await expectUserError(
      resolveModelLocation('hf:owner/repo/dir/model.gguf', { cacheDir, hubUrl: 'http://127.0.0.1:1', modelPath: [] }),
      /cannot reach http:\/\/127.0.0.1:1/,
    );
  });
});
