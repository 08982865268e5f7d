// Venue staff at the door: the kiosk reads a queue of visitors' personal codes from the fake
// camera — the national v1.1 format, a chip ID card's QR and Vaora's own code — in and then out,
// and the count and the server's records follow; a paper declaration is typed in (a barcode
// scanner filling the ID field), and closing the day checks everyone out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serverPerFile, launch, byTest, testkit } from './harness.mjs';

const env = serverPerFile();

const NATIONAL = '001099012345|NGUYEN VAN AN|1990-05-17|0||';
const CARD = '079088001122|123456789|Trần Thị Bình|01021988|Nữ|12 Lê Lợi, Quận 1, TP. Hồ Chí Minh|15062021';
/** A whole declaration to the reference form, as Vaora's My QR carries it. */
const DECLARATION = {
  form_version: 1,
  answers: {
    full_name: 'Lê Thị Hoa',
    birth_year: 1975,
    gender: 'female',
    nationality: 'Việt Nam',
    residence_unit: '00004',
    address: '3 Hàng Bạc',
    phone: '0912 000 111',
    contact_case: false,
    contact_affected_country: false,
    contact_symptomatic: false,
    consent: true,
  },
};
const VAORA = `VAORA:P1:${Buffer.from(JSON.stringify(DECLARATION)).toString('base64url')}`;

/** The kiosk's count of people inside, once it reads `count`. */
async function insideReaches(page, count) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-test="kiosk-inside"]')?.textContent.trim() === String(n),
    count, { timeout: 60_000 },
  );
}

/** The server's check-ins at `venueId`, once `done(checkins)` holds. */
async function serverHas(venueId, done) {
  let checkins = [];
  for (let i = 0; i < 150; i += 1) {
    checkins = await env.server.checkinsAt(venueId);
    if (done(checkins)) return checkins;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`the server never got there: ${JSON.stringify(checkins.map((c) => c.declaration.answers.full_name))}`);
}

test('a kiosk lets a queue of v1.1, chip ID card and Vaora codes in, then out', async () => {
  const venue = await env.server.registerVenue('Nhà văn hoá tổ 5');
  assert.match(venue.staffUrl, /\/staff#token=vaora_/);
  const clip = join(env.dir, 'queue.y4m');
  // A menu's QR slips into the queue: refused with its reason, nobody let in.
  testkit('clip', '--text', NATIONAL, '--next', CARD, '--next', VAORA, '--next', 'https://quan-pho.example/menu',
    '--width', '640', '--height', '480', '--frames', '30', '--gap', '20', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.goto(venue.staffUrl);
    await byTest(page, 'kiosk').waitFor({ timeout: 20_000 });
    assert.equal(await byTest(page, 'kiosk-venue').textContent(), 'Nhà văn hoá tổ 5');
    assert.ok(!page.url().includes('token='), 'the token leaves the address bar');
    await insideReaches(page, 3);
    const entered = await serverHas(venue.venueId, (all) => all.length === 3);
    const names = entered.map((c) => c.declaration.answers.full_name).sort();
    assert.deepEqual(names, ['Lê Thị Hoa', 'NGUYEN VAN AN', 'Trần Thị Bình']);
    assert.ok(entered.every((c) => c.entered_by === 'kiosk'), 'entered by the kiosk');
    const vaora = entered.find((c) => c.declaration.answers.full_name === 'Lê Thị Hoa');
    assert.equal(vaora.declaration.answers.consent, true, 'a Vaora code carries the whole declaration');

    await page.locator('[data-test="kiosk-result"][data-state="bad"]').waitFor({ timeout: 30_000 });
    assert.match(await byTest(page, 'kiosk-why').last().textContent(), /không phải mã QR cá nhân/i);

    // The clip loops: the first visitor comes round again and is not recorded twice.
    await page.locator('[data-test="kiosk-result"][data-state="warn"]').waitFor({ timeout: 30_000 });
    assert.match(await byTest(page, 'kiosk-person').textContent(), /^[A-Z]\. /, 'the name is masked');
    assert.match(await byTest(page, 'kiosk-person-id').textContent(), /^••••••/);

    await byTest(page, 'mode-exit').click();
    assert.equal(await byTest(page, 'mode-exit').getAttribute('aria-pressed'), 'true');
    await insideReaches(page, 0);
    const left = await serverHas(venue.venueId, (all) => all.every((c) => c.checked_out_at));
    assert.equal(left.length, 3, 'nobody checked in on the way out');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('staff type a paper declaration (a barcode scanner fills the ID field), close the day and invite a colleague', async () => {
  const venue = await env.server.registerVenue('Chợ Mỹ Đức');
  const clip = join(env.dir, 'empty.y4m');
  testkit('blank', '--width', '640', '--height', '480', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.goto(venue.staffUrl);
    await byTest(page, 'kiosk').waitFor({ timeout: 20_000 });
    await byTest(page, 'paper-open').click();
    await byTest(page, 'paper-form').waitFor();
    // A scanner acting as a keyboard: the chip ID card's QR typed into the ID field, then Enter.
    await byTest(page, 'q-id_number').focus();
    await page.keyboard.type(CARD);
    await page.keyboard.press('Enter');
    await byTest(page, 'paper-notice').waitFor();
    assert.equal(await byTest(page, 'q-full_name').inputValue(), 'Trần Thị Bình');
    assert.equal(await byTest(page, 'q-id_number').inputValue(), '079088001122');
    assert.equal(await byTest(page, 'q-birth_year').inputValue(), '1988');
    assert.ok(await byTest(page, 'q-gender-female').isChecked());
    // The rest by keyboard.
    await byTest(page, 'q-nationality').fill('Việt Nam');
    await byTest(page, 'q-residence_unit-province').selectOption('79');
    await byTest(page, 'q-residence_unit-ward').selectOption('26734');
    await byTest(page, 'q-address').fill('12 Lê Lợi');
    await byTest(page, 'q-phone').fill('0903 111 222');
    await byTest(page, 'q-contact_case-no').check();
    await byTest(page, 'q-contact_affected_country-no').check();
    await byTest(page, 'q-contact_symptomatic-no').check();
    await byTest(page, 'q-consent').check();
    await byTest(page, 'paper-submit').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-test="q-full_name"]')?.value === '');
    const [paper] = await serverHas(venue.venueId, (all) => all.length === 1);
    assert.equal(paper.entered_by, 'paper');
    assert.equal(paper.declaration.answers.id_number, '079088001122');
    assert.equal(paper.declaration.answers.phone, '0903111222');

    await byTest(page, 'paper-back').click();
    await insideReaches(page, 1);
    await byTest(page, 'close-day').click();
    await byTest(page, 'close-day-yes').click();
    await byTest(page, 'closed-day').waitFor();
    assert.match(await byTest(page, 'closed-day').textContent(), /1$/);
    await insideReaches(page, 0);
    await serverHas(venue.venueId, (all) => all.every((c) => c.checked_out_at));

    // One more member of staff, invited by phone: the link signs their device in here.
    await byTest(page, 'invite-open').click();
    await byTest(page, 'invite-contact').fill('not a phone');
    await byTest(page, 'invite-submit').click();
    await byTest(page, 'invite-problem').waitFor();
    await byTest(page, 'invite-contact').fill('0912 000 222');
    await byTest(page, 'invite-submit').click();
    const link = await byTest(page, 'invite-link').getAttribute('href');
    assert.match(link, /\/staff#invite=/);
    // The browser logs the refused invitation's 400; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e.message)), []);
    const invited = await launch({ clip });
    try {
      await invited.page.goto(link);
      await byTest(invited.page, 'kiosk').waitFor({ timeout: 20_000 });
      assert.equal(await byTest(invited.page, 'kiosk-venue').textContent(), 'Chợ Mỹ Đức');
      assert.ok(!invited.page.url().includes('invite='), 'the code leaves the address bar');
      // The link works once.
      const again = await launch({ clip });
      try {
        await again.page.goto(link);
        await byTest(again.page, 'sign-in-problem').waitFor({ timeout: 20_000 });
      } finally {
        await again.browser.close();
      }
    } finally {
      await invited.browser.close();
    }
  } finally {
    await browser.close();
  }
});

test('a kiosk without network keeps letting people in and delivers every scan once back', async () => {
  const venue = await env.server.registerVenue('Bến xe Mỹ Đức');
  const clip = join(env.dir, 'queue-offline.y4m');
  testkit('clip', '--text', NATIONAL, '--next', CARD,
    '--width', '640', '--height', '480', '--frames', '30', '--gap', '20', '--out', clip);
  // The service worker is kept out so that the route sees every request.
  const { browser, context, page, errors } = await launch({ clip, serviceWorkers: 'block' });
  try {
    // Every scan fails to reach the server, as with no signal at the gate.
    const cut = (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback());
    await page.route('**/v1/staff/**', cut);
    await page.goto(venue.staffUrl);
    await byTest(page, 'kiosk').waitFor({ timeout: 20_000 });
    await insideReaches(page, 2);
    assert.equal((await env.server.checkinsAt(venue.venueId)).length, 0, 'nothing reached the server');
    await byTest(page, 'pending').waitFor();

    // The signal comes back: the queued scans go out, each stored once.
    await page.unroute('**/v1/staff/**', cut);
    await context.setOffline(true);
    await context.setOffline(false);
    const stored = await serverHas(venue.venueId, (all) => all.length === 2);
    assert.deepEqual(stored.map((c) => c.entered_by), ['kiosk', 'kiosk']);
    await insideReaches(page, 2);
    await page.waitForTimeout(1_000);
    assert.equal((await env.server.checkinsAt(venue.venueId)).length, 2, 'never twice');
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e.message)), []);
  } finally {
    await browser.close();
  }
});
