import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Prints each entry chunk's gzipped size after a build: the figure bench/README.md records. */
function reportGzippedEntry(): Plugin {
  return {
    name: 'report-gzipped-entry',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) {
          const gzipped = gzipSync(chunk.code, { level: 9 }).length;
          console.log(
            `main bundle ${chunk.fileName}: ${(chunk.code.length / 1024).toFixed(1)} KiB, gzipped ${(gzipped / 1024).toFixed(1)} KiB`,
          );
        }
      }
    },
  };
}

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [react(), reportGzippedEntry()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // ECharts (the chart pages' lazy chunk) is one ~550 kB module; the board's entry chunk stays small.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
