/**
 * The fake OpenAI server in its own process (and so on its own core), so the api benchmark times
 * the client and not a server sharing its event loop. Forked with the faults as JSON in argv[2];
 * sends its base URL, then its stats when sent 'close'.
 */
import { type FaultOptions, hashEngine, startFakeOpenAiServer } from '../../tests/fake-openai-server.ts';

const server = await startFakeOpenAiServer(hashEngine(), JSON.parse(process.argv[2]!) as FaultOptions);
process.send!({ baseUrl: server.baseUrl });
process.on('message', async () => {
  const { maxInFlight, answered, requests } = server.stats;
  await server.close();
  process.send!({ maxInFlight, answered, requests }, () => process.exit(0));
});
