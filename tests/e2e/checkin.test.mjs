// The first real check-in, end to end: a real server and database, Chromium with a fake
// camera, and the widget's own rqrr decoder in its worker. Every check-in is read back
// through the server, not only from the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  serverPerFile, testkit, launch, byTest, scanVenue, expectGenuineVenue, declareAndSubmit,
  confirmedId,
  base32Decode, base32Encode,
} from './harness.mjs';

const env = serverPerFile();

/** Reads the check-in back from the server and checks what was stored. */
async function assertStored(id, expectedName = 'Nguyễn Thị Ánh') {
  const { status, body } = await env.server.checkin(id);
  assert.equal(status, 200, `check-in ${id} is stored`);
  assert.equal(body.receipt.id, id);
  assert.equal(body.receipt.venue_name, 'Chợ Mỹ Đức');
  const { form_version: version, answers } = body.declaration;
  assert.equal(version, 1, 'the answers name the form version they answered');
  assert.equal(answers.full_name, expectedName);
  assert.equal(answers.phone, '0912345678', 'phone stored normalised');
  assert.equal(answers.birth_year, 1990);
  assert.equal(answers.gender, 'female');
  assert.equal(answers.residence_unit, '00004', 'the ward picked under its province');
  assert.deepEqual(answers.symptoms, ['cough']);
  assert.equal(answers.contact_case, false);
  assert.equal(answers.consent, true);
  assert.equal(answers.contact_case_details, undefined, 'a hidden follow-up is not sent');
}

for (const [width, height] of [[640, 480], [1280, 720]]) {
  test(`camera scan of the poster at ${width}x${height} → declaration → stored check-in`, async () => {
    const clip = join(env.dir, `poster-${width}x${height}.y4m`);
    testkit('clip', '--text', env.server.posterUrl, '--width', String(width), '--height', String(height),
      '--frames', '30', '--out', clip);
    const { browser, page, errors } = await launch({ clip });
    try {
      await scanVenue(page, env.server.url);
      assert.equal(await byTest(page, 'venue-name').textContent(), 'Chợ Mỹ Đức');
      // The camera is released as soon as the code is read.
      const liveTracks = await page.evaluate(() =>
        [...document.querySelectorAll('video')].filter((v) => v.srcObject?.active).length);
      assert.equal(liveTracks, 0, 'no live camera after a successful scan');
      await byTest(page, 'declare').click();
      await declareAndSubmit(page);
      const id = await confirmedId(page);
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.equal(await byTest(page, 'done-venue').textContent(), 'Chợ Mỹ Đức');
      await assertStored(id);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('opening the poster URL shows the venue without the camera', async () => {
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.server.posterUrl);
    await expectGenuineVenue(page);
    assert.equal(await page.locator('video').count(), 0, 'the camera is not started');
    // Regression: the page dropping its handle and a garbage collection must not unmount it.
    await page.evaluate(() => { window.vaora = null; globalThis.gc(); });
    await page.waitForTimeout(200);
    // Another poster opened in the same tab changes only the fragment.
    const forged = base32Decode(env.server.posterUrl.split('#')[1]);
    forged[forged.length - 1] ^= 0x01;
    await page.evaluate((hash) => { location.hash = hash; }, base32Encode(forged));
    await page.locator('[data-test="venue"][data-genuine="false"]').waitFor();
    await page.evaluate((hash) => { location.hash = hash; }, env.server.posterUrl.split('#')[1]);
    await page.locator('[data-test="venue"][data-genuine="true"]').waitFor();
    await byTest(page, 'declare').click();
    await declareAndSubmit(page, { name: 'Trần Văn Bình' });
    const id = await confirmedId(page);
    await assertStored(id, 'Trần Văn Bình');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a photo of the poster is decoded by the same rqrr path', async () => {
  const photo = join(env.dir, 'poster.jpg');
  testkit('png', '--text', env.server.posterUrl, '--size', '1200', '--out', photo);
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.server.url);
    await byTest(page, 'photo').setInputFiles(photo);
    await expectGenuineVenue(page);
    await byTest(page, 'declare').click();
    await declareAndSubmit(page);
    await assertStored(await confirmedId(page));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a photo without a code says so and keeps the page usable', async () => {
  const photo = join(env.dir, 'nothing.png');
  testkit('png', '--text', 'just some text, not a venue', '--size', '600', '--out', photo);
  const { browser, page } = await launch();
  try {
    await page.goto(env.server.url);
    await byTest(page, 'photo').setInputFiles(photo);
    const error = byTest(page, 'fallback-error');
    await error.waitFor({ timeout: 20_000 });
    assert.match(await error.textContent(), /không phải mã địa điểm Vaora/);
  } finally {
    await browser.close();
  }
});

test('camera permission denied: a clear message, then the typed short code works', async () => {
  const { browser, page, errors } = await launch({ grantCamera: false });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    const notice = byTest(page, 'camera-error');
    await notice.waitFor({ timeout: 15_000 });
    assert.match(await notice.textContent(), /chưa cho phép dùng camera/);
    // Both fallbacks are offered right there.
    assert.equal(await byTest(page, 'photo').count(), 1);
    await byTest(page, 'short-code').fill(env.server.shortCode.toLowerCase());
    await byTest(page, 'short-code-go').click();
    await expectGenuineVenue(page);
    await byTest(page, 'declare').click();
    await declareAndSubmit(page);
    await assertStored(await confirmedId(page));
    assert.deepEqual(errors.filter((e) => !/Permission|NotAllowed/.test(e.message)), []);
  } finally {
    await browser.close();
  }
});

test('a forged venue code is shown as not genuine and offers no check-in', async () => {
  const payload = env.server.posterUrl.split('#')[1];
  const bytes = base32Decode(payload);
  bytes[bytes.length - 1] ^= 0x01; // same format, signature no longer matches
  const forged = `${env.server.url}/c#${base32Encode(bytes)}`;
  const { browser, page } = await launch();
  try {
    await page.goto(forged);
    const venue = byTest(page, 'venue');
    await venue.waitFor();
    assert.equal(await venue.getAttribute('data-genuine'), 'false');
    assert.match(await byTest(page, 'refusal-reason').textContent(), /Chữ ký không khớp/);
    assert.equal(await byTest(page, 'declare').count(), 0, 'no way to check in');
    // The server refuses it too.
    const response = await fetch(`${env.server.url}/v1/checkins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '0b7c5a3e-1f2d-4c6b-8a9e-0d1c2b3a4f5e',
        venue_code: base32Encode(bytes),
        declaration: {
          form_version: 1,
          answers: { full_name: 'Nguyễn Thị Ánh', phone: '0912345678', consent: true },
        },
      }),
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).code, 'venue_code_invalid');
  } finally {
    await browser.close();
  }
});

test('invalid answers get translated messages and lose nothing; English is switchable', async () => {
  const { browser, page } = await launch();
  try {
    await page.goto(env.server.posterUrl);
    await byTest(page, 'declare').click();
    await byTest(page, 'q-full_name').fill('Lê Thị Hoa');
    await byTest(page, 'q-phone').fill('12345');
    await byTest(page, 'submit').click();
    assert.match(await byTest(page, 'form-error').textContent(), /Hãy sửa các mục/);
    assert.match(await page.locator('#vaora-q-phone-error').textContent(), /Số điện thoại/);
    assert.equal(await byTest(page, 'q-phone').getAttribute('aria-invalid'), 'true');
    // The questions themselves come from the server's form, in the language chosen.
    assert.match(await page.locator('label[for="vaora-q-phone"]').textContent(), /Số điện thoại/);
    await byTest(page, 'lang-en').click();
    assert.match(await page.locator('label[for="vaora-q-phone"]').textContent(), /Phone number/);
    assert.match(await page.locator('#vaora-q-phone-error').textContent(), /A phone number has/);
    assert.match(await page.locator('#vaora-q-consent-error').textContent(), /need to agree/);
    assert.equal(await byTest(page, 'q-full_name').inputValue(), 'Lê Thị Hoa', 'typed text kept');
    // A follow-up question appears only when its condition holds.
    const details = page.locator('#vaora-q-contact_case_details');
    assert.equal(await details.isVisible(), false, 'no contact, no details asked');
    await byTest(page, 'q-contact_case-yes').check();
    assert.equal(await details.isVisible(), true, 'contact with a case: details asked');
    // The choice of language is remembered on the device.
    await page.reload();
    assert.equal(await byTest(page, 'lang-en').getAttribute('aria-pressed'), 'true');
  } finally {
    await browser.close();
  }
});
