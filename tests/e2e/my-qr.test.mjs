// "My QR": the personal code in the national v1.1 format, drawn by the widget from the
// declaration and what the visitor adds, then read back from a screenshot by our own decoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  serverPerFile, testkit, decodeImage, launch, byTest, scanVenue, declareAndSubmit, confirmedId,
} from './harness.mjs';

const env = serverPerFile();

/** Screenshots the shown code, checks it is big enough to scan from another phone, decodes it. */
async function decodeShownCode(page, name) {
  const code = byTest(page, 'my-qr-code');
  await code.waitFor({ timeout: 15_000 });
  const box = await code.boundingBox();
  assert.ok(box.width >= 240 && box.height >= 240, `the code is ${box.width}x${box.height} px`);
  const shot = join(env.dir, name);
  await code.screenshot({ path: shot });
  return decodeImage(shot);
}

test('check-in → home → My QR: the v1.1 code decodes exactly, the screen shows it masked', async () => {
  const clip = join(env.dir, 'poster.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await scanVenue(page, env.server.url);
    await byTest(page, 'declare').click();
    await declareAndSubmit(page, { idNumber: '001190012345' });
    await confirmedId(page);
    await byTest(page, 'done-again').click();
    await byTest(page, 'my-qr').click();
    await byTest(page, 'my-qr-form').waitFor();
    // The declaration gave the name and the ID number: only the birth date is asked,
    // its year filled in from the declaration.
    assert.equal(await byTest(page, 'my-qr-name').count(), 0);
    assert.equal(await byTest(page, 'my-qr-id').count(), 0);
    assert.equal(await byTest(page, 'my-qr-year').inputValue(), '1990');
    await byTest(page, 'my-qr-day').fill('7');
    await byTest(page, 'my-qr-month').fill('5');
    await byTest(page, 'my-qr-show').click();

    const decoded = await decodeShownCode(page, 'my-qr.png');
    assert.deepEqual(decoded, ['001190012345|NGUYEN THI ANH|1990-05-07|0||<NU<<0912345678']);

    const masked = await byTest(page, 'my-qr-masked').textContent();
    assert.match(masked, /••••••012345/);
    assert.match(masked, /••\/••\/1990/);
    assert.match(masked, /NGUYEN THI ANH/);
    const shown = await page.locator('.vaora').textContent();
    assert.ok(!shown.includes('001190'), 'the first six ID digits are never on screen');
    assert.ok(!/07\/05|05-07|7\/5/.test(shown), 'the birth day and month are never on screen');
    assert.match(shown, /độ sáng màn hình/, 'the brightness hint, in Vietnamese by default');

    // Editing keeps what was typed; the code is drawn again.
    await byTest(page, 'my-qr-edit').click();
    assert.equal(await byTest(page, 'my-qr-day').inputValue(), '7');
    await byTest(page, 'my-qr-show').click();
    await byTest(page, 'my-qr-code').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('in English, without a declaration: asks for everything, checks it, then shows the code', async () => {
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.server.url);
    await byTest(page, 'lang-en').click();
    assert.equal((await byTest(page, 'my-qr').textContent()).trim(), 'My QR code');
    await byTest(page, 'my-qr').click();
    await byTest(page, 'my-qr-form').waitFor();
    assert.match(await byTest(page, 'my-qr-form').textContent(), /Date of birth/);

    await byTest(page, 'my-qr-show').click();
    const form = byTest(page, 'my-qr-form');
    assert.match(await form.textContent(), /This field is required\./);
    assert.equal(await byTest(page, 'my-qr-id').getAttribute('aria-invalid'), 'true');
    assert.equal(await byTest(page, 'my-qr-code').count(), 0);

    await byTest(page, 'my-qr-name').fill('Trần Văn Bình');
    await byTest(page, 'my-qr-id').fill('07920300123A');
    await byTest(page, 'my-qr-day').fill('30');
    await byTest(page, 'my-qr-month').fill('2');
    await byTest(page, 'my-qr-year').fill('2003');
    await byTest(page, 'my-qr-show').click();
    assert.match(await form.textContent(), /This date does not exist/);
    await byTest(page, 'my-qr-day').fill('28');
    await byTest(page, 'my-qr-show').click();
    assert.match(await form.textContent(), /Not in the right format/);
    await byTest(page, 'my-qr-id').fill('079203001234');
    await byTest(page, 'my-qr-show').click();

    const decoded = await decodeShownCode(page, 'my-qr-en.png');
    assert.deepEqual(decoded, ['079203001234|TRAN VAN BINH|2003-02-28|0||']);
    const card = await byTest(page, 'my-qr').textContent();
    assert.match(card, /Personal QR code/);
    assert.match(card, /Turn up your screen brightness/);
    assert.match(await byTest(page, 'my-qr-masked').textContent(), /••••••001234.*••\/••\/2003/s);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("My QR in Vaora's format carries the declaration, and a venue's kiosk checks the visitor in with it", async () => {
  const clip = join(env.dir, 'poster-vaora.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480', '--out', clip);
  const citizen = await launch({ clip });
  let shown;
  try {
    const { page } = citizen;
    await scanVenue(page, env.server.url);
    await byTest(page, 'declare').click();
    await declareAndSubmit(page, { name: 'Phạm Thị Lan', phone: '0987 654 321' });
    await confirmedId(page);
    await byTest(page, 'done-again').click();
    await byTest(page, 'my-qr').click();
    await byTest(page, 'my-qr-vaora').click();
    assert.equal(await byTest(page, 'my-qr-vaora').getAttribute('aria-pressed'), 'true');
    [shown] = await decodeShownCode(page, 'my-qr-vaora.png');
    assert.match(shown, /^VAORA:P1:[A-Za-z0-9_-]+$/);
    const carried = JSON.parse(Buffer.from(shown.slice('VAORA:P1:'.length), 'base64url').toString('utf8'));
    assert.equal(carried.answers.full_name, 'Phạm Thị Lan');
    assert.equal(carried.answers.consent, true, 'the whole declaration');
    assert.match(await byTest(page, 'my-qr-masked').textContent(), /P\. T\. LAN/);
    assert.ok(!(await page.locator('.vaora').textContent()).includes('Phạm Thị Lan'), 'only masked on screen');
    assert.deepEqual(citizen.errors, []);
  } finally {
    await citizen.browser.close();
  }

  // The guard's kiosk reads the code off the visitor's screen.
  const venue = await env.server.registerVenue('Bệnh viện huyện Mỹ Đức');
  const shownClip = join(env.dir, 'shown-vaora.y4m');
  testkit('clip', '--text', shown, '--width', '640', '--height', '480', '--out', shownClip);
  const kiosk = await launch({ clip: shownClip });
  try {
    await kiosk.page.goto(venue.staffUrl);
    await kiosk.page.locator('[data-test="kiosk-result"][data-state="ok"]').waitFor({ timeout: 30_000 });
    assert.equal(await byTest(kiosk.page, 'kiosk-person').textContent(), 'P. T. LAN');
    let stored = [];
    for (let i = 0; i < 100 && stored.length === 0; i += 1) {
      stored = await env.server.checkinsAt(venue.venueId);
      if (stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(stored.length, 1);
    assert.equal(stored[0].entered_by, 'kiosk');
    assert.equal(stored[0].declaration.answers.full_name, 'Phạm Thị Lan');
    assert.equal(stored[0].declaration.answers.phone, '0987654321');
    assert.deepEqual(kiosk.errors, []);
  } finally {
    await kiosk.browser.close();
  }
});
