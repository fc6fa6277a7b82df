// Child process for the crash test: a slow, journaling run that the test kills with SIGKILL.
// Usage: tsx kill-writer.fixture.ts <cachePath> <requestCount> <delayMs>
import { CachingBackend } from './caching-backend.ts';
import { FakeBackend, generateRequests } from './fake-backend.fixture.ts';
import { openRequestCache } from './store.ts';

const [cachePath, count, delayMs] = process.argv.slice(2);
const cache = openRequestCache(cachePath!);
const backend = new CachingBackend(new FakeBackend({ delayMs: Number(delayMs), journal: true }), cache);
await backend.generateUntil(generateRequests(Number(count)), {
  // Printed after the journal write, so every index the test sees must be in the cache.
  onResult: (index) => process.stdout.write(`done ${index}\n`),
});
cache.close();
