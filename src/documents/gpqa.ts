import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseCsv } from './csv-rows.ts';
import { readEncryptedZipMember } from './encrypted-zip.ts';
import { decodeUtf8, readDataFile } from './read-file.ts';
import type { LoadedRows } from './types.ts';

/**
 * The password the GPQA authors publish in their README. The archive stays encrypted on disk so
 * that its questions do not leak into training corpora; they exist in plain text only in memory.
 */
const GPQA_PASSWORD = 'deserted-untie-orchid';

const CONFIGS = new Set(['gpqa_diamond', 'gpqa_main', 'gpqa_extended']);

/** HF Idavidrein/gpqa's one split (`train`) of a config, read from `<dataDir>/gpqa/dataset.zip`. */
export async function readGpqaSplit(dataDir: string, config: string): Promise<LoadedRows | undefined> {
  if (!CONFIGS.has(config)) return undefined;
  const path = join(dataDir, 'gpqa', 'dataset.zip');
  const member = `dataset/${config}.csv`;
  const { bytes } = await readDataFile(path);
  const content = readEncryptedZipMember(bytes, member, GPQA_PASSWORD, path);
  const rows = parseCsv(decodeUtf8(content, `${path}:${member}`), `${path}:${member}`);
  // The hash of the member's content identifies exactly what was evaluated, and reveals nothing of it.
  const sha256 = createHash('sha256').update(content).digest('hex');
  return { rows, sources: { [`${path}:${member}`]: { sha256, rows: rows.length } } };
}
