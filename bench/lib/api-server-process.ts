/**
 * The fake OpenAI server in its own process, so the api benchmark times the client and not a
 * server sharing its event loop. One process serves the whole benchmark, so it is as warm as a
 * served model is; the messages below set each run's faults and report its counts.
 *
 * Its engine answers the echoed log-probabilities with arithmetic instead of the tests' hash
 * engine (a SHA-256 per prompt token): on a shared 2-core machine the server's CPU competes with
 * the client's, and a real server runs elsewhere, so the benchmark keeps the server's share small.
 */
import { type Engine, type FaultOptions, promptsOf, startFakeOpenAiServer } from '../../tests/fake-openai-server.ts';

const cheapEngine: Engine = {
  completions(body) {
    const choices = promptsOf(body).map((prompt, index) => {
      const text = typeof prompt === 'string' ? prompt : '';
      const pieces = ['', ...(text.match(/\s*\S+|\s+/g) ?? [])];
      const offsets: number[] = [];
      let at = 0;
      for (const p of pieces) {
        offsets.push(at);
        at += p.length;
      }
      const logprobs = pieces.map((p, i) => (i === 0 ? null : -(0.1 + (p.length % 7) / 2)));
      const top = logprobs.map((lp, i) => (lp === null ? null : { [pieces[i]!]: lp }));
      return {
        index,
        text,
        logprobs: { tokens: pieces, token_logprobs: logprobs, top_logprobs: top, text_offset: offsets },
        finish_reason: 'length',
      };
    });
    return { status: 200, body: { object: 'text_completion', choices, usage: { prompt_tokens: 0, total_tokens: 0 } } };
  },
  chat() {
    return { status: 400, body: { error: { message: 'the api benchmark sends completions only' } } };
  },
};

// argv[2]: the seed of the fault draws.
const server = await startFakeOpenAiServer(cheapEngine, { seed: Number(process.argv[2] ?? 1) });
process.send!({ baseUrl: server.baseUrl });
let cpuBefore = process.cpuUsage();
let requestsBefore = 0;
let answeredBefore = 0;
type Message = { type: 'measure'; faults: FaultOptions } | { type: 'stats' } | { type: 'close' };
// 'measure' starts a timed run with its faults (until then the server answers at once, for the
// warm-up); 'stats' reports the requests, concurrency and CPU time since the last 'measure'.
process.on('message', async (message: Message) => {
  if (message.type === 'measure') {
    server.faults = message.faults;
    server.stats.maxInFlight = 0;
    requestsBefore = server.stats.requests;
    answeredBefore = server.stats.answered;
    cpuBefore = process.cpuUsage();
    process.send!({ ready: true });
  } else if (message.type === 'stats') {
    const cpu = process.cpuUsage(cpuBefore);
    const { maxInFlight, answered, requests } = server.stats;
    server.faults = {};
    process.send!({
      maxInFlight,
      answered: answered - answeredBefore,
      requests: requests - requestsBefore,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  } else {
    await server.close();
    process.exit(0);
  }
});
