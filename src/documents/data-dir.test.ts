import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir.ts';

const sibling = join(new URL('../../..', import.meta.url).pathname, 'shared/datasets');

describe('resolveDataDir', () => {
  it('takes --data_dir over $EVALBOARD_DATA_DIR', () => {
    expect(resolveDataDir('/flag', { EVALBOARD_DATA_DIR: '/env' })).toBe('/flag');
  });

  it('takes $EVALBOARD_DATA_DIR when no flag is given', () => {
    expect(resolveDataDir(undefined, { EVALBOARD_DATA_DIR: '/env' })).toBe('/env');
    expect(resolveDataDir('', { EVALBOARD_DATA_DIR: '/env' })).toBe('/env');
  });

  it('an empty $EVALBOARD_DATA_DIR means no data folder, not the shared one', () => {
    expect(resolveDataDir(undefined, { EVALBOARD_DATA_DIR: '' })).toBeUndefined();
  });

  it.skipIf(!existsSync(sibling))('falls back to ../shared/datasets beside the checkout', () => {
    expect(resolveDataDir(undefined, {})).toBe(sibling);
  });
});
