#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so there is no build step between a checkout and a run.
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/main.ts', import.meta.url);
