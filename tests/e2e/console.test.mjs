// The authority's console in Chromium at 360 px: an officer signs in with the token the
// administrator issued, sees the province's dashboard, drills down to a ward and its trend
// chart, downloads the figures as CSV (the API's file, with the registered venue counted), and
// signs out — after which the console sends back to sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serverPerFile, launch } from './harness.mjs';

const env = serverPerFile();

/** A token for `role` issued by the harness's administrator. */
async function issueToken(server, body) {
  const response = await fetch(`${server.url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, 'token issued');
  return (await response.json()).token;
}

test('console: sign in, dashboard, drill down, chart, CSV download, sign out', async () => {
  const server = env.server;
  await server.registerVenue('Tiệm sách Ba Đình');
  const officer = await issueToken(server, { role: 'officer', label: 'Hà Nội', unit_code: '01' });
  const { browser, page, errors } = await launch();
  try {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Mã truy cập (token)').fill(officer);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/console\/units\/01$/);
    await page.getByRole('heading', { level: 1, name: /Thành phố Hà Nội/ }).waitFor();
    // Province figures: the registered ward venue and the demo venue.
    const figures = await page.locator('.figures dd').allTextContents();
    assert.equal(figures[0], '2', 'venues with a QR code');

    // The figures as CSV: the API's own file, served under the console's cookie.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Bảng số liệu (CSV)' }).click(),
    ]);
    const file = readFileSync(await download.path());
    const csv = file.toString('utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.match(lines[0], /^Số liệu quét mã QR ngày \d\d\/\d\d\/\d{4} — Thành phố Hà Nội$/);
    assert.ok(lines.includes('00004,Phường Ba Đình,1,0,0,0,0'), csv);
    assert.ok(lines.includes('00008,Phường Ngọc Hà,0,0,0,0,0'), csv);
    const api = await fetch(`${server.url}/v1/reports/units.csv?unit=01`, {
      headers: { authorization: `Bearer ${officer}` },
    });
    assert.deepEqual(file, Buffer.from(await api.arrayBuffer()), 'the same file as the API');

    // Drill down to the ward: its venue and the 14-day chart, one bar a day.
    await page.getByRole('link', { name: 'Phường Ba Đình' }).click();
    await page.getByRole('heading', { level: 1, name: /Phường Ba Đình/ }).waitFor();
    await page.getByRole('cell', { name: /Tiệm sách Ba Đình/ }).or(page.getByRole('rowheader', { name: /Tiệm sách Ba Đình/ })).waitFor();
    const chart = page.getByRole('img', { name: 'Xu hướng 14 ngày' });
    await chart.waitFor();
    assert.equal(await chart.locator('rect.bar').count(), 14);
    assert.equal(await chart.locator('circle.point').count(), 14);
    assert.ok((await chart.boundingBox()).width <= 360, 'the chart fits the screen');

    // Signing out ends the session.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/console$/);
    await page.goto(`${server.url}/console/units/01`);
    await page.waitForURL(/\/console$/);
    await page.getByLabel('Mã truy cập (token)').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
