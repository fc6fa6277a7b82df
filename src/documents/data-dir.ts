import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared data beside a checkout (<checkout>/../shared/datasets): a checkout next to it runs with no settings. */
const SIBLING_SHARED_DATASETS = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));

/**
 * The local dataset folder of a run: --data_dir, else $EVALBOARD_DATA_DIR, else the shared data
 * beside the checkout when it exists; undefined when none applies. Called once at the command's
 * edge; the result is passed down to the catalog, dataset resolution and few-shot `samples`
 * functions, so two runs in one process with different folders never see each other's.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = (flag || undefined) ?? env.EVALBOARD_DATA_DIR ?? siblingSharedDatasets();
  return dir || undefined;
}

function siblingSharedDatasets(): string | undefined {
  return existsSync(SIBLING_SHARED_DATASETS) ? SIBLING_SHARED_DATASETS : undefined;
}
