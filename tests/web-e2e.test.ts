/**
 * The web UI in a real browser (Debian's chromium driven by playwright-core) against a real
 * `evalboard serve --demo` child process: the 3,827-model Open LLM Leaderboard import, users with
 * tokens, real uploads. Each step checks what a user sees against what the API says, not against
 * numbers copied from the UI. Screenshots of every page at desktop and phone width go to
 * test-results/web/ for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import { type BoardServer, parseCsv, startBoardServer } from './web-e2e.fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results/web');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** The demo's board; named, since the suites `admin load-gold` adds may sort before it. */
const SUITE = 'openllm_v2';
const BOARD = `/?suite=${SUITE}`;

const haveChromium = existsSync(CHROMIUM);

/** Retries a read until the assertion after it holds (30 s unless told): the page updates asynchronously. */
function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}
if (!haveChromium) console.warn(`web-e2e: skipped, ${CHROMIUM} is absent (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('web UI in chromium against evalboard serve --demo', () => {
  let server: BoardServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startBoardServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: DESKTOP, baseURL: server.url, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The model ids of the rendered rows, top to bottom. */
  const renderedModels = (p: Page) =>
    p.locator('table.board tbody tr[data-model]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')!));
  const rowCount = async (p: Page) =>
    Number(((await p.getByTestId('row-count').textContent()) ?? '').split(' of ')[0]!.replaceAll(',', ''));

  /** Screenshots at both widths (and the board once in dark mode); an axe run with no serious or critical violation. */
  async function checkPage(name: string, path: string, ready: (p: Page) => Promise<unknown>) {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(path);
      await ready(page);
      await page.screenshot({
        path: join(SHOTS, `${name}-${label}.png`),
        fullPage: label === 'phone' && name !== 'board',
      });
    }
    await page.setViewportSize(DESKTOP);
    await page.goto(path);
    await ready(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join('; ')})`,
      ),
      `axe on ${name}`,
    ).toEqual([]);
  }

  it('renders the 3,827-row demo within 1 s of the API answer; a search keystroke re-renders within 100 ms', async () => {
    await page.goto(BOARD);
    await poll(() => page.getByTestId('row-count').textContent(), 60_000).toMatch(/ of 3,827 models/);
    const firstRender = await page.evaluate(() => performance.getEntriesByName('board:first-render')[0]?.duration);
    expect(firstRender).toBeDefined();
    console.log(`web-e2e: board first render ${firstRender!.toFixed(1)} ms after the API response (3,827 rows)`);
    expect(firstRender!).toBeLessThan(1000);

    const search = page.getByLabel('Search models');
    // Three trials, each keystroke's best: a render's own cost, not the other test file's and the
    // server's share of the two cores at that moment.
    const best = [Infinity, Infinity, Infinity, Infinity];
    for (let trial = 0; trial < 3; trial++) {
      await search.fill('');
      await poll(() => page.getByTestId('row-count').textContent()).toMatch(/ of 3,827 models/);
      await page.evaluate(() => performance.clearMeasures('board:search-render'));
      await search.click();
      await search.pressSequentially('qwen', { delay: 50 });
      const keystrokes = await page.evaluate(() =>
        performance.getEntriesByName('board:search-render').map((e) => e.duration),
      );
      expect(keystrokes.length).toBe(4);
      console.log(`web-e2e: search keystroke re-render ${keystrokes.map((d) => d.toFixed(1)).join(', ')} ms`);
      keystrokes.forEach((d, i) => {
        best[i] = Math.min(best[i]!, d);
      });
    }
    expect(Math.max(...best)).toBeLessThan(100);
    // Every row shown matches, and the count is what the API says for the same search.
    const api = await (await page.request.get(`/api/leaderboard?suite=${SUITE}&search=qwen&limit=5000`)).json();
    expect(await rowCount(page)).toBe(api.total);
    await poll(() => page.url()).toContain('search=qwen');
  });

  it('filters by type (rows change, the URL records it), survives a reload, sorts and hides a column', async () => {
    await page.goto(BOARD);
    await poll(() => page.getByTestId('row-count').textContent(), 30_000).toContain('of 3,827');
    const before = await rowCount(page);
    await page.getByRole('button', { name: 'merge', exact: true }).click();
    await poll(() => page.url()).toMatch(/type=merge/);
    const merged = await rowCount(page);
    expect(merged).toBeLessThan(before);
    expect(merged).toBeGreaterThan(0);
    const types = await page.locator('table.board tbody td[data-column="type"]').allInnerTexts();
    expect(new Set(types)).toEqual(new Set(['merge']));

    await page.locator('button.sort[data-column="params_b"]').click();
    await poll(() => page.url()).toMatch(/sort=params_b/);
    const sortedAs = await page.locator('th[aria-sort]:has(button[data-column="params_b"])').getAttribute('aria-sort');
    const params = (await page.locator('table.board tbody td[data-column="params_b"]').allInnerTexts())
      .filter((t) => t !== '–')
      .map(Number);
    const expected = [...params].sort((a, b) => (sortedAs === 'descending' ? b - a : a - b));
    expect(params).toEqual(expected);

    await page.locator('details.columns summary').click();
    await page.getByRole('checkbox', { name: 'Precision' }).uncheck();
    await poll(() => page.url()).toMatch(/hide=precision/);
    await poll(() => page.locator('button.sort[data-column="precision"]').count()).toBe(0);

    const url = page.url();
    const shown = await renderedModels(page);
    await page.reload();
    await poll(() => page.getByTestId('row-count').textContent(), 30_000).toContain(
      `${merged.toLocaleString('en')} of`,
    );
    expect(page.url()).toBe(url);
    expect(await renderedModels(page)).toEqual(shown);
    await poll(() => page.getByRole('button', { name: 'merge', exact: true }).getAttribute('aria-pressed')).toMatch(
      'true',
    );
    await poll(() => page.locator('button.sort[data-column="precision"]').count()).toBe(0);
  });

  it('exports exactly the rows of the current view as CSV', async () => {
    await page.goto(`${BOARD}&search=qwen2.5-14b&type=chat,fine-tuned&sort=leaderboard_bbh&order=asc`);
    await poll(() => page.getByTestId('row-count').textContent(), 30_000).toContain(' of 3,827');
    const shown = await renderedModels(page);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.length).toBe(await rowCount(page));
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const csv = parseCsv(await (await page.request.get(href!)).text());
    expect(csv.map((r) => r.model_id)).toEqual(shown);
    const averages = await page.locator('table.board tbody td[data-column="average"]').allInnerTexts();
    expect(averages).toEqual(csv.map((r) => (r.average === '' ? '–' : Number(r.average).toFixed(2))));
    // A larger view: the count on screen is the export's row count.
    await page.goto(`${BOARD}&type=merge&params_min=7&params_max=14`);
    await poll(() => page.getByTestId('row-count').textContent(), 30_000).toContain(' of 3,827');
    const exported = parseCsv(
      await (
        await page.request.get((await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!)
      ).text(),
    );
    expect(exported.length).toBe(await rowCount(page));
    expect(exported.slice(0, 10).map((r) => r.model_id)).toEqual((await renderedModels(page)).slice(0, 10));
    // The table renders only the rows in view: scrolled to the end, its last rows are the export's last.
    await page.locator('.board-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await poll(async () => (await renderedModels(page)).at(-1)).toBe(exported.at(-1)!.model_id);
    const tail = await renderedModels(page);
    expect(tail).toEqual(exported.slice(-tail.length).map((r) => r.model_id));
  });

  it('compares two models with each difference labelled paired or CI overlap', async () => {
    const top = (await (await page.request.get(`/api/leaderboard?suite=${SUITE}&limit=2`)).json()).rows.map(
      (r: { model_id: string }) => r.model_id,
    );
    await page.goto(`/models/${encodeURIComponent(top[0])}`);
    await page.getByRole('link', { name: 'Compare with…' }).click();
    await page.getByLabel('Add a model by id').fill(top[1]);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => page.url()).toMatch(new RegExp(`models=${encodeURIComponent(top[0]).replaceAll('.', '\\.')}`));
    const verdicts = page.locator('table.compare .pairs li');
    await verdicts.first().waitFor({ timeout: 90_000 });
    const texts = await verdicts.allInnerTexts();
    for (const t of texts) expect(t).toMatch(/(significant|not significant) \((paired test|by CI overlap)/);
    const api = await (
      await page.request.get(`/api/compare?suite=${SUITE}&models=${top.map(encodeURIComponent).join(',')}`)
    ).json();
    expect(await page.locator('table.compare').last().locator('tbody tr').count()).toBe(api.tasks.length);
  });

  it('uploads a bad ZIP (errors listed by task and id) and a good submission that then appears on the board', async () => {
    await page.goto('/login');
    await page.getByLabel('API token').fill(server.tokens.user);
    await page.getByRole('button', { name: 'Log in' }).click();
    await poll(() => page.locator('header .who').textContent(), 30_000).toContain('(user)');

    await page.goto('/submit');
    await page.getByLabel('Model id').fill(server.badUpload.modelId);
    await page.getByLabel('Suite').selectOption(server.badUpload.suite);
    await page.getByLabel('Archive').setInputFiles(server.badUpload.path);
    await page.getByRole('button', { name: 'Upload' }).click();
    const errors = page.getByTestId('errors');
    await errors.waitFor({ timeout: 60_000 });
    const cells = await errors
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells.length).toBeGreaterThan(0);
    for (const [task, id] of server.badUpload.expectedErrors) {
      expect(
        cells.some(([t, i]) => t === task && i === id),
        `error row for task ${task} id ${id} among ${JSON.stringify(cells)}`,
      ).toBe(true);
    }
    await page.screenshot({ path: join(SHOTS, 'submit-errors-desktop.png'), fullPage: true });

    await page.getByLabel('Model id').fill(server.goodUpload.modelId);
    await page.getByLabel('Suite').selectOption(server.goodUpload.suite);
    await page.getByLabel('Archive').setInputFiles(server.goodUpload.path);
    await page.getByRole('button', { name: 'Upload' }).click();
    await poll(() => page.locator('.result h2').textContent(), 120_000).toContain('scored');
    await poll(() => page.locator('progress').first().getAttribute('value')).toMatch(/.+/);
    await poll(() => page.getByTestId('my-submissions').textContent(), 30_000).toContain(server.goodUpload.modelId);
    await page.screenshot({ path: join(SHOTS, 'submit-scored-desktop.png'), fullPage: true });

    await page.goto(
      `/?suite=${server.goodUpload.suite}&standard=all&search=${encodeURIComponent(server.goodUpload.modelId)}`,
    );
    await page.locator(`table.board tbody tr[data-model="${server.goodUpload.modelId}"]`).waitFor();
  });

  it('opens a sample of the uploaded submission, filtered to incorrect answers', async () => {
    const mine = await (
      await page.request.get('/api/my/submissions', { headers: { authorization: `Bearer ${server.tokens.user}` } })
    ).json();
    const scored = mine.find(
      (s: { model_id: string; status: string }) => s.model_id === server.goodUpload.modelId && s.status === 'scored',
    );
    expect(scored).toBeDefined();
    await page.goto(`/submissions/${scored.id}/samples?correct=false`);
    const samples = page.locator('article.sample');
    await samples.first().waitFor({ timeout: 30_000 });
    expect(new Set(await page.locator('article.sample .badge').allInnerTexts())).toEqual(new Set(['incorrect']));
    await samples.first().locator('h4', { hasText: 'Output' }).waitFor();
  });

  it('requests an evaluation, votes for it, and a maintainer approves it and marks a pick', async () => {
    await page.goto('/requests');
    const model = `hf:e2e/requested-${Date.now()}`;
    await page.getByLabel('Model to evaluate').fill(model);
    await page.getByRole('button', { name: 'Request' }).click();
    const row = page.locator('tr', { hasText: model });
    await row.waitFor();
    await row.getByRole('button', { name: `Vote for ${model}` }).click();
    await poll(() => row.getByRole('button', { name: `Vote for ${model}` }).textContent()).toBe('Voted');
    await poll(() => row.locator('td.num').first().textContent()).toBe('1');
    await poll(() => row.getByRole('button', { name: `Approve ${model}` }).count()).toBe(0);

    const maintainer = await browser.newContext({ viewport: DESKTOP, baseURL: server.url });
    await maintainer.addInitScript({
      content: `localStorage.setItem('evalboard.token', ${JSON.stringify(server.tokens.maintainer)})`,
    });
    const other = await maintainer.newPage();
    await other.goto('/requests');
    const theirRow = other.locator('tr', { hasText: model });
    await theirRow.getByRole('button', { name: `Approve ${model}` }).click();
    await poll(() => theirRow.locator('.status').textContent()).not.toBe('pending');
    await other.screenshot({ path: join(SHOTS, 'requests-maintainer-desktop.png'), fullPage: true });

    // Picks: a maintainer marks a model on its page; the board's picks filter then lists it.
    const board = await (await other.request.get(`/api/leaderboard?suite=${SUITE}&picks=false&limit=50`)).json();
    const unpicked = board.rows.find((r: { pick: boolean }) => !r.pick).model_id as string;
    await other.goto(`/models/${encodeURIComponent(unpicked)}`);
    await other.getByRole('button', { name: "Mark as maintainers' pick" }).click();
    await other.getByRole('button', { name: 'Remove from picks' }).waitFor();
    await other.goto(`${BOARD}&picks=true&search=${encodeURIComponent(unpicked)}`);
    await other.locator(`table.board tbody tr[data-model="${unpicked}"] .badge.pick`).waitFor();
    await maintainer.close();
  });

  it('every page: screenshots at desktop and phone width, no serious axe violations', async () => {
    const top = (await (await page.request.get(`/api/leaderboard?suite=${SUITE}&limit=2`)).json()).rows.map(
      (r: { model_id: string }) => r.model_id,
    );
    const mine = await (
      await page.request.get('/api/my/submissions', { headers: { authorization: `Bearer ${server.tokens.user}` } })
    ).json();
    const board = (p: Page) => poll(() => p.getByTestId('row-count').textContent(), 30_000).toContain(' of ');
    await checkPage('board', BOARD, board);
    await checkPage('model', `/models/${encodeURIComponent(top[0])}`, (p) => p.locator('.chart svg').first().waitFor());
    await checkPage('compare', `/compare?suite=${SUITE}&models=${top.map(encodeURIComponent).join(',')}`, (p) =>
      p.locator('table.compare').first().waitFor(),
    );
    const scored = mine.find((s: { status: string }) => s.status === 'scored');
    await checkPage('samples', `/submissions/${scored.id}/samples`, (p) =>
      p.locator('article.sample').first().waitFor(),
    );
    await checkPage('submit', '/submit', (p) => p.getByTestId('my-submissions').waitFor());
    await checkPage('requests', '/requests', (p) => p.getByTestId('requests').locator('tbody tr').first().waitFor());
    await checkPage('login', '/login', (p) => p.getByRole('heading', { name: 'Log in' }).waitFor());

    const dark = await browser.newContext({ viewport: DESKTOP, baseURL: server.url, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(BOARD);
    await board(darkPage);
    await darkPage.screenshot({ path: join(SHOTS, 'board-dark-desktop.png') });
    const darkAxe = await new AxeBuilder({ page: darkPage }).withTags(['wcag2aa']).analyze();
    expect(
      darkAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await dark.close();
  });
});
