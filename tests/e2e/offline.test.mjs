// Offline use through the service worker (www/sw.js): a poster link opened once online keeps
// working with no network at all — the shell, the venue check with the kept trusted keys, the
// camera scan, and the declaration form last fetched — and a new build replaces the old cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  scratch, startServer, testkit, launch, byTest, expectGenuineVenue, watchErrors,
} from './harness.mjs';

/** Waits until the service worker controls `page` (the page registers it a few seconds after mount). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

const cacheNames = (page) => page.evaluate(async () => (await caches.keys()).sort());

/** Polls the async `predicate` in the page until it is true (waitForFunction takes no promises). */
async function until(page, predicate, what, arg = null, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(predicate, arg))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a poster link opened once works offline: venue check, camera scan, declaration form', async () => {
  const work = scratch();
  const server = await startServer(work.dir);
  const clip = join(work.dir, 'poster.y4m');
  testkit('clip', '--text', server.posterUrl, '--width', '640', '--height', '480', '--frames', '30',
    '--out', clip);
  const { browser, context, page, errors } = await launch({ clip });
  try {
    // Online: the link from the poster, then the declaration, whose form the worker keeps.
    await page.goto(server.posterUrl);
    await expectGenuineVenue(page);
    await controlled(page);
    await byTest(page, 'declare').click();
    await byTest(page, 'q-full_name').waitFor({ timeout: 15_000 });
    await byTest(page, 'q-residence_unit-province').selectOption('01');
    // The province's wards arrived (and the worker kept them) before the network goes.
    await byTest(page, 'q-residence_unit-ward').waitFor({ timeout: 15_000 });

    // No network at all: the browser is offline and the server is gone.
    server.stop();
    await context.setOffline(true);

    await page.reload();
    await expectGenuineVenue(page);
    assert.equal(await byTest(page, 'venue-name').textContent(), 'Chợ Mỹ Đức');
    await byTest(page, 'declare').click();
    await byTest(page, 'q-full_name').waitFor({ timeout: 15_000 });
    // The units fetched online are there too.
    await byTest(page, 'q-residence_unit-province').selectOption('01');
    await byTest(page, 'q-residence_unit-ward').waitFor({ timeout: 15_000 });

    // The camera way in, from the app's start page, still offline.
    await page.goto(new URL('/', server.url).href);
    await byTest(page, 'scan').click();
    await expectGenuineVenue(page);
    assert.deepEqual(errors, []);
    // Last, as the failed request logs an error: the API really is out of reach.
    const health = await page.evaluate(() => fetch('/v1/health').then(() => 'answered', () => 'failed'));
    assert.equal(health, 'failed', 'no network: what worked above works offline');
  } finally {
    await browser.close();
    server.stop();
    work.cleanup();
  }
});

test('a new build replaces the cache of the old one', async () => {
  const work = scratch();
  // A copy of the build, so that this test can release a "new" one without touching pkg/.
  const pkg = join(work.dir, 'pkg');
  cpSync(process.env.VAORA_PKG, pkg, { recursive: true });
  const server = await startServer(work.dir, { pkg });
  const { browser, context, page, errors } = await launch();
  try {
    await page.goto(server.posterUrl);
    await expectGenuineVenue(page);
    await controlled(page);
    const before = await cacheNames(page);
    const old = before.find((name) => name.startsWith('vaora-shell-'));
    assert.ok(old, `a shell cache: ${before}`);
    assert.deepEqual(before, [old, 'vaora-data-v1'].sort());

    // The release: sw.js changes (its build id), as it does when any file of the build does.
    const id = old.slice('vaora-shell-'.length);
    const sw = join(pkg, 'sw.js');
    writeFileSync(sw, readFileSync(sw, 'utf8').replaceAll(id, 'f'.repeat(16)));
    rmSync(`${sw}.br`, { force: true });
    rmSync(`${sw}.gz`, { force: true });
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration.update();
    });
    await until(page, async () => (await navigator.serviceWorker.getRegistration()).waiting !== null,
      'the new worker installed');
    // The old release's page closes; the next visit is the new release's.
    await page.close();
    const next = await context.newPage();
    watchErrors(next, errors);
    await next.goto(server.posterUrl);
    await expectGenuineVenue(next);
    const release = `vaora-shell-${'f'.repeat(16)}`;
    await until(next, async (previous) => !(await caches.has(previous)), 'the old cache deleted', old);
    assert.equal(await next.evaluate(async () => (await navigator.serviceWorker.getRegistration()).active.state),
      'activated');
    assert.deepEqual(await cacheNames(next), [release, 'vaora-data-v1'].sort());
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
    work.cleanup();
  }
});
