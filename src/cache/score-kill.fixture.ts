// Child process for the resume test: records scores, then dies by SIGKILL without closing the cache.
// Usage: tsx score-kill.fixture.ts <cachePath> <count>
import { openScoreCache } from './score-store.ts';

const [cachePath, count] = process.argv.slice(2);
const cache = openScoreCache(cachePath!);
for (let i = 0; i < Number(count); i++) cache.set(`key-${i}`, { value: i, details: { status: 'passed' } });
process.kill(process.pid, 'SIGKILL');
