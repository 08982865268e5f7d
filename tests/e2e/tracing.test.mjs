// Tracing a case and the citizen's view of it: a citizen checks in at the poster, a tracer traces
// the case by the citizen's phone over HTTP, and the citizen's "My visits" shows that the visit
// was read, when, and for which case — never by whom; offline, it says so quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverPerFile, launch, byTest, checkInAtPoster } from './harness.mjs';

const env = serverPerFile();

/** Issues a tracer token with the administrator's. */
async function tracerToken() {
  const response = await fetch(`${env.server.url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'tracer', label: 'CDC end-to-end' }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).token;
}

test('a traced visit shows its case reference in My visits', async () => {
  const { browser, context, page, errors } = await launch();
  try {
    const id = await checkInAtPoster(page, env.server.posterUrl, { phone: '0987 654 321' });

    const now = Date.now();
    const response = await fetch(`${env.server.url}/v1/trace/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tracerToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        case_reference: 'BN-24680',
        identifier: '+84 987 654 321',
        from: now - 3_600_000,
        to: now + 3_600_000,
      }),
    });
    assert.equal(response.status, 200);
    const trace = await response.json();
    assert.deepEqual(trace.visits.map((visit) => visit.record.receipt.id), [id]);

    await byTest(page, 'done-visits').click();
    const read = page.locator('[data-test="visit"] [data-test="visit-reads"]');
    await read.waitFor({ timeout: 10_000 });
    const text = await read.textContent();
    assert.match(text, /^Đã được cơ quan y tế đọc: .+ \(ca BN-24680\)$/);
    assert.doesNotMatch(text, /CDC|token/, 'never who read it');
    assert.equal(await byTest(page, 'reads-offline').count(), 0);

    // Offline: the visits are still listed, with one quiet line instead of the reads.
    await byTest(page, 'visits-home').click();
    await context.setOffline(true);
    await byTest(page, 'my-visits').click();
    await byTest(page, 'reads-offline').waitFor({ timeout: 10_000 });
    assert.equal(await byTest(page, 'visit').count(), 1);
    assert.equal(await byTest(page, 'visit-reads').count(), 0);
    await context.setOffline(false);
    // The browser itself reports the request it could not send; nothing else may go wrong.
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e.message)), []);
  } finally {
    await browser.close();
  }
});
