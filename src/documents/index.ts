export { type CsvOptions, parseCsv, readCsv } from './csv-rows.ts';
export { type HfHubOptions, loadHfDataset } from './hf-hub.ts';
export { type JsonOptions, parseJsonDocument, parseJsonl, readJson, readJsonl } from './json-rows.ts';
export { localDatasetRules } from './local-datasets.ts';
export { parseParquet, readParquet } from './parquet-rows.ts';
export { type DataFiles, type DatasetOptions, resolveDataset } from './resolve.ts';
export type { LoadedRows, SourceFile } from './types.ts';
