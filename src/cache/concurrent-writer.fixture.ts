// Child process for the concurrency test: many one-row transactions against a shared file.
// Usage: tsx concurrent-writer.fixture.ts <cachePath> <keyPrefix> <otherPrefix> <count>
import { openRequestCache } from './store.ts';

const [cachePath, prefix, otherPrefix, count] = process.argv.slice(2);
const cache = openRequestCache(cachePath!);
const readyResult = { logprob: -1, tokens: 1 };

// Wait for the other writer so the bursts really overlap (process start-up times vary a lot).
cache.putMany([{ key: `ready-${prefix}`, kind: 'loglikelihoodRolling', result: readyResult }]);
const deadline = Date.now() + 60_000;
while (!cache.get(`ready-${otherPrefix}`)) {
  if (Date.now() > deadline) throw new Error('the other writer never started');
  await new Promise((done) => setTimeout(done, 5));
}

for (let i = 0; i < Number(count); i++) {
  cache.putMany([{ key: `${prefix}-${i}`, kind: 'loglikelihoodRolling', result: { logprob: -i - 0.5, tokens: i } }]);
  // Read the other process's rows too, so readers and writers interleave.
  cache.get(`${otherPrefix}-${i}`);
}
process.stdout.write(`${prefix}: ${cache.stats().hits} of ${count} reads saw the other writer's rows\n`);
cache.close();
