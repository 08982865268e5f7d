// Fault injection on the offline outbox: whatever the network does between the tap and the
// server's answer — offline before or during the submit, the answer lost after the server stored
// the check-in, a 500, a request that hangs, a reload while pending — the server ends with
// exactly one check-in for the one intended visit, and the page says "pending" until then.
// The service worker is kept out so that `page.route` sees every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverPerFile, launch, byTest, expectGenuineVenue, declare,
} from './harness.mjs';

const env = serverPerFile();

/** Opens the poster with check-ins timing out after 2 s, and fills the declaration. */
async function openAndFill() {
  const { browser, context, page, errors } = await launch({ serviceWorkers: 'block' });
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), requestTimeoutMs: 2_000 } });
  });
  await page.goto(env.server.posterUrl);
  await expectGenuineVenue(page);
  await byTest(page, 'declare').click();
  return { browser, context, page, errors };
}

/** The check-in id on the confirmation (shown at once, delivered or not). */
async function shownId(page) {
  await byTest(page, 'done').waitFor({ timeout: 15_000 });
  return (await page.locator('[data-test="done-visit"] [data-test="done-id"]').textContent()).trim();
}

/** How many check-ins with `id` the server stores, and how many at the venue in all. */
async function stored(id) {
  const all = await env.server.checkinsAt(await env.server.venueId());
  return { withId: all.filter((c) => c.receipt.id === id).length, total: all.length };
}

/** Waits until the server has check-in `id`. */
async function eventuallyStored(id) {
  for (let i = 0; i < 100; i += 1) {
    if ((await stored(id)).withId > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`check-in ${id} never reached the server`);
}

/**
 * Runs one fault: `arrange(page, context)` sets it up before the submit, `release` (if any)
 * ends it after the confirmation shows. Checks the server ends with exactly one new check-in.
 */
async function exactlyOnce(arrange, release) {
  const before = (await env.server.checkinsAt(await env.server.venueId())).length;
  const { browser, context, page, errors } = await openAndFill();
  try {
    await declare(page);
    await arrange(page, context);
    await byTest(page, 'submit').click();
    const id = await shownId(page);
    if (release) await release(page, context, id);
    await page.locator('[data-test="done-visit"][data-delivery="delivered"]').waitFor({ timeout: 30_000 });
    await eventuallyStored(id);
    const after = await stored(id);
    assert.equal(after.withId, 1, 'stored once');
    assert.equal(after.total, before + 1, 'one new check-in at the venue, no other');
    assert.ok(await byTest(page, 'pending').isHidden(), 'nothing pending any more');
    return { page, errors };
  } finally {
    await browser.close();
  }
}

/** Lets the first check-in request meet `fault`, then the network behaves. */
function firstCheckIn(fault) {
  return async (page) => {
    let first = true;
    await page.route('**/v1/checkins', async (route) => {
      if (first) {
        first = false;
        await fault(route);
      } else {
        await route.continue();
      }
    });
  };
}

test('offline before the submit: pending, then sent once when back online', async () => {
  await exactlyOnce(
    (page, context) => context.setOffline(true),
    async (page, context, id) => {
      await page.locator('[data-test="done-visit"][data-delivery="pending"]').waitFor();
      await byTest(page, 'pending').waitFor();
      assert.equal(await byTest(page, 'pending-count').textContent(), '1');
      assert.equal((await stored(id)).withId, 0, 'nothing reached the server');
      await context.setOffline(false);
    },
  );
});

test('the connection drops during the submit', async () => {
  await exactlyOnce(firstCheckIn((route) => route.abort('internetdisconnected')));
});

test('the server stored it but the answer was lost: the retry is not stored twice', async () => {
  await exactlyOnce(firstCheckIn(async (route) => {
    await route.fetch(); // reaches the server, which stores it
    await route.abort('connectionreset');
  }));
});

test('the server answers 500', async () => {
  await exactlyOnce(firstCheckIn((route) => route.fulfill({
    status: 500, contentType: 'application/json', body: '{"code":"internal","message":"boom"}',
  })));
});

test('the request hangs past the timeout', async () => {
  // Never answered: the widget gives up after 2 s and sends it again.
  await exactlyOnce(firstCheckIn(() => new Promise(() => {})));
});

test('a reload while pending loses nothing', async () => {
  const before = (await env.server.checkinsAt(await env.server.venueId())).length;
  const { browser, page } = await openAndFill();
  try {
    await page.route('**/v1/checkins', (route) => route.abort('internetdisconnected'));
    await declare(page);
    await byTest(page, 'submit').click();
    const id = await shownId(page);
    await page.locator('[data-test="done-visit"][data-delivery="pending"]').waitFor();
    await page.reload();
    // The reloaded page knows at once that a check-in is waiting.
    await byTest(page, 'pending').waitFor({ timeout: 10_000 });
    assert.equal(await byTest(page, 'pending-count').textContent(), '1');
    assert.equal((await stored(id)).withId, 0);
    await page.unroute('**/v1/checkins');
    await eventuallyStored(id);
    await page.waitForFunction(() =>
      document.querySelector('[data-test="pending"]')?.hidden === true, null, { timeout: 30_000 });
    const after = await stored(id);
    assert.equal(after.withId, 1);
    assert.equal(after.total, before + 1);
    // "My visits" shows it delivered.
    await page.goto(env.server.url);
    await byTest(page, 'my-visits').click();
    await page.locator('[data-test="visit"][data-delivery="delivered"]').waitFor();
  } finally {
    await browser.close();
  }
});
