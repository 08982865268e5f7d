// The whole citizen flow on a real server and database, with the fake camera: a first visit
// with the full form, a revisit in one tap, check-out (button, rescan, elsewhere, the venue's
// default stay), dependants, "My visits" and "Delete my data". Every check-in and check-out is
// read back from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  serverPerFile, testkit, launch, byTest, scanVenue, expectGenuineVenue, declareAndSubmit,
  confirmedId, checkInAtPoster,
} from './harness.mjs';

const env = serverPerFile();

/** A clip of the demo venue's poster for the fake camera. */
function posterClip() {
  const clip = join(env.dir, 'poster.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480',
    '--frames', '30', '--out', clip);
  return clip;
}

/** Back home from the confirmation, then scans the poster again with the camera. */
async function rescan(page) {
  await byTest(page, 'done-again').click();
  await byTest(page, 'scan').click();
  await expectGenuineVenue(page);
}

/** Opens the poster link afresh (a new page load, as from the phone's camera app). */
async function reopenPoster(page, url = env.server.posterUrl) {
  await page.goto(env.server.url);
  await page.goto(url);
}

/** Waits until the server has recorded a check-out for check-in `id`; returns the record. */
async function checkedOut(id) {
  for (let i = 0; i < 50; i += 1) {
    const { body } = await env.server.checkin(id);
    if (body.checked_out_at) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`check-in ${id} was never checked out on the server`);
}

test('first visit (full form) → revisit (one tap) → check-out by button and by rescan', async () => {
  const { browser, page, errors } = await launch({ clip: posterClip() });
  try {
    await scanVenue(page, env.server.url);
    await byTest(page, 'declare').click();
    await declareAndSubmit(page);
    const first = await confirmedId(page);
    assert.match(await byTest(page, 'done-code').textContent(), /^[0-9A-F]{3}-[0-9A-F]{3}$/);
    // The clock ticks: a screenshot is visibly stale.
    const tick = await byTest(page, 'done-clock').textContent();
    await page.waitForFunction(
      (before) => document.querySelector('[data-test="done-clock"]').textContent !== before,
      tick, { timeout: 3_000 });
    await byTest(page, 'checkout').click();
    await page.locator('[data-test="done-visit"][data-state="out"]').waitFor();
    const out = await checkedOut(first);
    assert.ok(out.checked_out_at >= out.receipt.checked_in_at);

    // Revisit: nothing changed, one tap.
    await rescan(page);
    assert.equal(await byTest(page, 'here').count(), 0, 'no open visit here any more');
    await byTest(page, 'declare').click();
    await byTest(page, 'revisit').waitFor();
    assert.match(await byTest(page, 'revisit-question').textContent(), /Không có gì thay đổi từ .+\?/);
    await byTest(page, 'confirm').click();
    const second = await confirmedId(page);
    assert.notEqual(second, first, 'a new visit is a new check-in');
    const stored = await env.server.checkin(second);
    const before = await env.server.checkin(first);
    assert.deepEqual(stored.body.declaration, before.body.declaration, 'the same answers, resent');

    // Rescanning the venue on the way out offers the check-out first.
    await rescan(page);
    await byTest(page, 'here').waitFor();
    await byTest(page, 'checkout-here').click();
    await page.locator('[data-test="done-visit"][data-state="out"]').waitFor();
    await checkedOut(second);

    // "My visits" lists both, checked out.
    await byTest(page, 'done-visits').click();
    await byTest(page, 'visits').waitFor();
    const states = await byTest(page, 'visit').evaluateAll((items) =>
      items.map((item) => [item.dataset.state, item.dataset.delivery]));
    assert.deepEqual(states, [['out', 'delivered'], ['out', 'delivered']]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('dependants: each chosen person gets their own declaration and check-in', async () => {
  const { browser, page, errors } = await launch();
  try {
    const mine = await checkInAtPoster(page, env.server.posterUrl);

    // Next visit: add a child.
    await reopenPoster(page);
    await expectGenuineVenue(page);
    await byTest(page, 'declare').click();
    await byTest(page, 'add-person').click();
    await byTest(page, 'who').waitFor();
    assert.equal(await byTest(page, 'who-0').isChecked(), true, 'the visitor is checked');
    assert.equal(await byTest(page, 'who-1').isChecked(), true, 'the new person is checked');
    await byTest(page, 'who-continue').click();
    await byTest(page, 'confirm').click(); // the visitor: nothing changed
    await byTest(page, 'declaration').waitFor();
    assert.equal(await byTest(page, 'declaring-for').textContent(), 'Người mới');
    await declareAndSubmit(page, { name: 'Nguyễn Bé An', year: '2018', phone: '0987 654 321' });
    await byTest(page, 'done').waitFor();
    await page.locator('[data-test="done-visit"]:nth-of-type(2)').waitFor();
    const visits = page.locator('[data-test="done-visit"][data-delivery="delivered"]');
    await page.waitForFunction(() =>
      document.querySelectorAll('[data-test="done-visit"][data-delivery="delivered"]').length === 2);
    const ids = await visits.evaluateAll((cards) =>
      cards.map((card) => card.querySelector('[data-test="done-id"]').textContent.trim()));
    const names = [];
    for (const id of ids) {
      assert.notEqual(id, mine);
      names.push((await env.server.checkin(id)).body.declaration.answers.full_name);
    }
    assert.deepEqual(names.sort(), ['Nguyễn Bé An', 'Nguyễn Thị Ánh']);
    // The visitor's earlier visit at this venue ended when they checked in again.
    await checkedOut(mine);

    // Both are remembered: the next visit asks who is checking in.
    await reopenPoster(page);
    await byTest(page, 'declare').click();
    await byTest(page, 'who').waitFor();
    assert.match(await byTest(page, 'who').textContent(), /Nguyễn Bé An/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('checking in elsewhere checks out; the default stay ends a visit; delete my data', async () => {
  const other = await env.server.registerVenue('Hiệu sách Tràng Tiền');
  const { browser, page, errors } = await launch();
  try {
    await page.clock.install();
    const market = await checkInAtPoster(page, env.server.posterUrl);

    await reopenPoster(page, other.posterUrl);
    await expectGenuineVenue(page);
    await byTest(page, 'declare').click();
    await byTest(page, 'confirm').click();
    const shop = await confirmedId(page);
    const left = await checkedOut(market);
    assert.ok(left.checked_out_at <= (await env.server.checkin(shop)).body.receipt.checked_in_at + 1_000,
      'checked out of the market when checking in at the shop');

    // The shop's default stay (30 minutes) runs out: the visit ends by itself.
    assert.equal((await env.server.checkin(shop)).body.checked_out_at ?? null, null);
    await page.clock.fastForward('00:31:00');
    await checkedOut(shop);
    await byTest(page, 'done-visits').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test="visit"]')].every((v) => v.dataset.state === 'out'));

    // Delete my data: says what the server keeps, then nothing is left on the phone.
    await byTest(page, 'delete-data').click();
    await byTest(page, 'delete-confirm').click();
    await byTest(page, 'scan').waitFor();
    await byTest(page, 'my-visits').click();
    await byTest(page, 'no-visits').waitFor();
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vaora.')));
    assert.deepEqual(kept, []);
    await page.goto(env.server.posterUrl);
    await byTest(page, 'declare').click();
    await byTest(page, 'declaration').waitFor(); // the full form again: nothing remembered
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// Last in this file: the server's form changes for every later test.
test('a changed form asks a returning visitor only the new question', async () => {
  const { browser, page, errors } = await launch();
  try {
    const first = await checkInAtPoster(page, env.server.posterUrl);

    // The authority adds a question.
    const current = await (await fetch(`${env.server.url}/v1/declaration-form`)).json();
    const consent = current.questions.findIndex((q) => q.id === 'consent');
    current.questions.splice(consent, 0, {
      id: 'vaccinated', kind: { type: 'yes_no' }, required: true,
      label: { vi: 'Anh/chị đã tiêm vắc-xin chưa?', en: 'Have you been vaccinated?' },
    });
    await env.server.publishForm({ ...current, version: current.version + 1 });

    await reopenPoster(page);
    await byTest(page, 'declare').click();
    await byTest(page, 'only-new').waitFor();
    const asked = await page.locator('.vaora-question:not([hidden])').count();
    assert.equal(asked, 1, 'only the new question is shown');
    await byTest(page, 'q-vaccinated-yes').check();
    await byTest(page, 'submit').click();
    const second = await confirmedId(page);
    const stored = (await env.server.checkin(second)).body.declaration;
    const before = (await env.server.checkin(first)).body.declaration;
    assert.equal(stored.form_version, current.version + 1);
    assert.equal(stored.answers.vaccinated, true);
    assert.equal(stored.answers.full_name, before.answers.full_name, 'the rest carried over');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
