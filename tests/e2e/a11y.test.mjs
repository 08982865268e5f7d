// Accessibility audit (issue 5): every page the widget can show, in Vietnamese and in English,
// run through axe-core's WCAG 2.1 A/AA rules (no serious or critical violation), checked for
// horizontal scrolling at 360 px and at 200 % zoom (180 CSS px on a 360 px screen), for touch
// targets of at least 44×44 CSS px, for keyboard focus (reading order, always visible) and for
// the live region that announces scan results.
//
// Adding a page (my visits, my QR, people…) is one row in PAGES below:
//   { name: 'my visits', reach: async (page, server) => { …drive the widget there…; await
//     byTest(page, 'visits').waitFor(); } },
// `reach` gets a fresh page at 360×740 and the file's server; it must return once the page is
// fully drawn. Optional: `launch` (options for the harness's `launch`, e.g. `{ clip }` for a
// camera clip) and `announced` (a RegExp per language the live region must hold once the page
// is reached, for pages reached by a scan). Each row is then audited in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  serverPerFile, testkit, launch, byTest, expectGenuineVenue, checkInAtPoster,
  base32Decode, base32Encode,
} from './harness.mjs';

const env = serverPerFile();

// Evaluated rather than added as a <script>: the page's Content-Security-Policy (as shipped,
// kept on during the audit) allows no inline script.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MIN_TARGET_PX = 44;

/** The poster URL with its signature broken: same format, not genuine. */
function forgedPayload() {
  const bytes = base32Decode(env.server.posterUrl.split('#')[1]);
  bytes[bytes.length - 1] ^= 0x01;
  return base32Encode(bytes);
}

/** The declaration of the demo venue, drawn and ready. */
async function openDeclaration(page) {
  await page.goto(env.server.posterUrl);
  await expectGenuineVenue(page);
  await byTest(page, 'declare').click();
  await byTest(page, 'q-full_name').waitFor();
}

const PAGES = [
  {
    name: 'home',
    reach: async (page, server) => {
      await page.goto(server.url);
      await byTest(page, 'scan').waitFor();
    },
  },
  {
    name: 'home (camera refused)',
    launch: () => ({ grantCamera: false }),
    reach: async (page, server) => {
      await page.goto(server.url);
      await byTest(page, 'scan').click();
      await byTest(page, 'camera-error').waitFor({ timeout: 15_000 });
    },
  },
  {
    // Chromium's own fake camera: a moving test pattern with no code in it.
    name: 'scanning',
    reach: async (page, server) => {
      await page.goto(server.url);
      await byTest(page, 'scan').click();
      await byTest(page, 'stop').waitFor();
      await page.waitForFunction(() => document.querySelector('video')?.readyState >= 2);
    },
    announced: { vi: /Đưa mã QR vào giữa khung hình/, en: /Hold the QR code inside the frame/ },
  },
  {
    name: 'venue (genuine, scanned)',
    launch: () => {
      const clip = join(env.dir, 'a11y-poster.y4m');
      testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480',
        '--frames', '30', '--out', clip);
      return { clip };
    },
    reach: async (page, server) => {
      await page.goto(server.url);
      await byTest(page, 'scan').click();
      await expectGenuineVenue(page);
    },
    announced: { vi: /Đã đọc được mã địa điểm/, en: /Venue code read/ },
  },
  {
    // Another poster opened in the same tab: only the fragment changes, and it is announced.
    name: 'venue (not genuine)',
    reach: async (page, server) => {
      await page.goto(server.url);
      await byTest(page, 'scan').waitFor();
      await page.evaluate((hash) => { location.hash = hash; }, forgedPayload());
      await page.locator('[data-test="venue"][data-genuine="false"]').waitFor();
    },
    announced: { vi: /Đã đọc được mã địa điểm/, en: /Venue code read/ },
  },
  {
    name: 'declaration (empty)',
    reach: openDeclaration,
  },
  {
    name: 'declaration (errors shown)',
    reach: async (page) => {
      await openDeclaration(page);
      await byTest(page, 'submit').click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
    },
  },
  {
    name: 'confirmation',
    reach: (page, server) => checkInAtPoster(page, server.posterUrl),
  },
  {
    name: 'revisit (one tap)',
    reach: async (page, server) => {
      await checkInOnce(page, server);
      await page.goto(server.url);
      await page.goto(server.posterUrl);
      await byTest(page, 'declare').click();
      await byTest(page, 'revisit').waitFor();
    },
  },
  {
    name: 'who is checking in',
    reach: async (page, server) => {
      await checkInOnce(page, server);
      await page.goto(server.url);
      await page.goto(server.posterUrl);
      await byTest(page, 'declare').click();
      await byTest(page, 'add-person').click();
      await byTest(page, 'who').waitFor();
    },
  },
  {
    name: 'my visits (with the delete confirmation open)',
    reach: async (page, server) => {
      await checkInOnce(page, server);
      await byTest(page, 'done-visits').click();
      await byTest(page, 'visit').first().waitFor();
      await byTest(page, 'delete-data').click();
      await byTest(page, 'delete-confirm').waitFor();
    },
  },
  {
    name: 'my QR',
    reach: async (page, server) => {
      await checkInOnce(page, server);
      await page.goto(server.url);
      await byTest(page, 'my-qr').click();
      await byTest(page, 'my-qr-form').or(byTest(page, 'my-qr')).first().waitFor();
    },
  },
  {
    // Venue staff: a personal code let in, its result on screen.
    name: 'kiosk (a visitor let in)',
    launch: () => {
      const clip = join(env.dir, 'a11y-personal.y4m');
      testkit('clip', '--text', '001099012345|NGUYEN VAN AN|1990-05-17|0||', '--width', '640',
        '--height', '480', '--frames', '30', '--out', clip);
      return { clip };
    },
    reach: async (page, server) => {
      const venue = await server.registerVenue('Nhà văn hoá tổ 5');
      await page.goto(venue.staffUrl);
      await page.locator('[data-test="kiosk-result"][data-state="ok"]').waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'kiosk (paper declaration)',
    reach: async (page, server) => {
      const venue = await server.registerVenue('Chợ Mỹ Đức');
      await page.goto(venue.staffUrl);
      await byTest(page, 'paper-open').click();
      await byTest(page, 'paper-form').waitFor();
    },
  },
];

/** One check-in with the full form, so that the device has someone and a visit. */
const checkInOnce = (page, server) => checkInAtPoster(page, server.posterUrl);

/** Switches the widget to `lang` with its own buttons and waits for the texts to follow. */
async function switchLanguage(page, lang) {
  await byTest(page, `lang-${lang}`).click();
  await page.locator(`.vaora[lang="${lang}"]`).waitFor();
  await byTest(page, `lang-${lang}`).and(page.locator('[aria-pressed="true"]')).waitFor();
}

/** axe-core's serious and critical WCAG 2.1 A/AA violations, one readable line per element. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, WCAG_21_AA);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) =>
      `${v.id} (${v.impact}) at ${n.target}: ${v.help}\n      ${n.summary.replaceAll('\n', '\n      ')}`));
}

/**
 * What sticks out sideways, innermost elements first (empty when nothing scrolls horizontally).
 */
function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5);
    const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
    return [
      `the page is ${root.scrollWidth} px wide in ${root.clientWidth} px`,
      ...innermost.slice(0, 5).map((el) => {
        const test = el.getAttribute('data-test');
        return `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}${test ? ` data-test="${test}"` : ''}> reaches ${Math.round(el.getBoundingClientRect().right)} px`;
      }),
    ];
  });
}

/**
 * Controls smaller than 44×44 CSS px. Checkboxes, radios and visually hidden inputs (the photo
 * picker) count the label that wraps or names them: that is what a finger hits.
 */
function smallTargets(page, min) {
  return page.evaluate((min) => {
    const visible = (el) => {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
    };
    const describe = (el) => {
      const test = el.getAttribute('data-test');
      const text = (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30);
      return `<${el.tagName.toLowerCase()}${test ? ` data-test="${test}"` : ''}${el.type ? ` type="${el.type}"` : ''}> "${text}"`;
    };
    const small = [];
    const seen = new Set();
    for (const control of document.querySelectorAll('button, a[href], input, select, textarea, [role="button"]')) {
      if (control.type === 'hidden' || control.closest('[hidden]')) continue;
      const own = control.getBoundingClientRect();
      const labelled = control.type === 'checkbox' || control.type === 'radio' || own.width <= 1 || own.height <= 1;
      const target = labelled
        ? control.closest('label') ?? (control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`))
        : control;
      if (!target || seen.has(target) || !visible(target)) continue;
      seen.add(target);
      const box = target.getBoundingClientRect();
      if (box.width < min - 0.5 || box.height < min - 0.5) {
        small.push(`${describe(control)}: ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return small;
  }, min);
}

/**
 * Tabs through the page from the top: every stop must be visible, show a focus indicator (an
 * outline, on the control or on the label of a visually hidden one), and come after the one
 * before in reading order (below it, or to its right on the same line). Returns the problems.
 */
async function focusProblems(page) {
  // Tab from the top of the page: a temporary start point outside the tab order.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'a11y-focus-start';
    document.body.prepend(start);
    start.focus();
  });
  const problems = [];
  let previous = null;
  const seen = new Set();
  for (let step = 0; step < 200; step += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const own = el.getBoundingClientRect();
      const shown = own.width <= 1 || own.height <= 1 ? el.closest('label') ?? el : el;
      const box = shown.getBoundingClientRect();
      const style = getComputedStyle(shown);
      const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const test = el.getAttribute('data-test');
      return {
        name: `<${el.tagName.toLowerCase()}${test ? ` data-test="${test}"` : ''}> "${(el.textContent || el.name || '').trim().slice(0, 30)}"`,
        key: el.id || test || `${el.tagName}@${Math.round(box.top + scrollY)},${Math.round(box.left)}`,
        top: box.top + scrollY, bottom: box.bottom + scrollY, left: box.left,
        visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden',
        indicated: outlined || style.boxShadow !== 'none',
      };
    });
    if (!stop || seen.has(stop.key)) break;
    seen.add(stop.key);
    if (!stop.visible) problems.push(`${stop.name} takes focus but cannot be seen`);
    if (!stop.indicated) problems.push(`${stop.name} shows no focus indicator`);
    if (previous) {
      const sameLine = stop.top < previous.bottom && stop.bottom > previous.top;
      const after = sameLine ? stop.left >= previous.left : stop.top >= previous.top - 1;
      if (!after) problems.push(`${stop.name} is focused after ${previous.name}, which comes later on screen`);
    }
    previous = stop;
  }
  if (seen.size === 0) problems.push('nothing can be reached with Tab');
  await page.evaluate(() => document.getElementById('a11y-focus-start')?.remove());
  return problems;
}

/** The live region's text (`role=status` with `aria-live`), or null if the page has none. */
function liveRegionText(page) {
  return page.evaluate(() => {
    const region = document.querySelector('[role="status"][aria-live]');
    return region ? region.textContent : null;
  });
}

for (const row of PAGES) {
  for (const lang of ['vi', 'en']) {
    test(`a11y: ${row.name} (${lang})`, async () => {
      const { browser, page } = await launch(row.launch?.() ?? {});
      try {
        // The widget starts in Vietnamese; English is chosen with its switch, as a visitor would.
        if (lang === 'en') {
          await page.goto(env.server.url);
          await switchLanguage(page, 'en');
        }
        await row.reach(page, env.server);
        await page.locator(`.vaora[lang="${lang}"]`).waitFor();

        assert.notEqual(await liveRegionText(page), null, 'a live region announces what happens');
        if (row.announced) {
          const expected = row.announced[lang];
          const heard = await page.waitForFunction(([source, flags]) =>
            new RegExp(source, flags).test(document.querySelector('[role="status"][aria-live]').textContent),
          [expected.source, expected.flags], { timeout: 10_000 }).then(() => true, () => false);
          assert.ok(heard, `the live region says ${expected}, not "${await liveRegionText(page)}"`);
        }

        const violations = await seriousViolations(page);
        assert.deepEqual(violations, [], `axe-core, ${row.name} (${lang}):\n  ${violations.join('\n  ')}`);

        const small = await smallTargets(page, MIN_TARGET_PX);
        assert.deepEqual(small, [], `targets under ${MIN_TARGET_PX}×${MIN_TARGET_PX} px:\n  ${small.join('\n  ')}`);

        const focus = await focusProblems(page);
        assert.deepEqual(focus, [], `keyboard focus:\n  ${focus.join('\n  ')}`);

        const wide = await sidewaysOverflow(page);
        assert.deepEqual(wide, [], `sideways scrolling at 360 px:\n  ${wide.join('\n  ')}`);
        // 200 % zoom on a 360 px screen: the layout gets 180 CSS px.
        await page.setViewportSize({ width: 180, height: 370 });
        const zoomedWide = await sidewaysOverflow(page);
        assert.deepEqual(zoomedWide, [], `sideways scrolling at 200 % zoom:\n  ${zoomedWide.join('\n  ')}`);
        const zoomedViolations = await seriousViolations(page);
        assert.deepEqual(zoomedViolations, [], `axe-core at 200 % zoom:\n  ${zoomedViolations.join('\n  ')}`);
      } finally {
        await browser.close();
      }
    });
  }
}

// The authority's console (server-rendered, no widget): the same audit in both languages, signed
// in by its session cookie with a token the administrator issued.
async function consoleToken(server, body) {
  const response = await fetch(`${server.url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, 'token issued');
  return (await response.json()).token;
}

const CONSOLE_PAGES = [
  { name: 'sign-in', role: null, path: '/console' },
  { name: 'province dashboard', role: 'officer', path: '/console/units/01' },
  { name: 'ward dashboard', role: 'officer', path: '/console/units/00004' },
  { name: 'zero-scan list', role: 'officer', path: '/console/units/01/zero-scan' },
  { name: 'silent venues', role: 'officer', path: '/console/units/01/silent?days=1' },
  { name: 'trace form', role: 'tracer', path: '/console/trace' },
  {
    name: 'trace answer',
    role: 'tracer',
    path: '/console/trace',
    reach: async (page) => {
      await page.locator('#case_reference').fill('BN-1');
      await page.locator('#identifier').fill('0901000001');
      await page.locator('form[action="/console/trace"] button').click();
      await page.locator('h2').first().waitFor();
    },
  },
];

for (const row of CONSOLE_PAGES) {
  for (const lang of ['vi', 'en']) {
    test(`a11y: console ${row.name} (${lang})`, async () => {
      const { browser, context, page } = await launch();
      try {
        if (row.role) {
          const token = await consoleToken(env.server, row.role === 'officer'
            ? { role: 'officer', label: 'a11y', unit_code: '01' }
            : { role: 'tracer', label: 'a11y' });
          await context.addCookies([{ name: 'vaora_console', value: token, url: `${env.server.url}/console` }]);
        }
        const separator = row.path.includes('?') ? '&' : '?';
        const response = await page.goto(`${env.server.url}${row.path}${separator}lang=${lang}`);
        assert.equal(response.status(), 200, row.path);
        await row.reach?.(page);
        await page.locator(`html[lang="${lang}"]`).waitFor();

        const violations = await seriousViolations(page);
        assert.deepEqual(violations, [], `axe-core, console ${row.name} (${lang}):\n  ${violations.join('\n  ')}`);
        const small = await smallTargets(page, MIN_TARGET_PX);
        assert.deepEqual(small, [], `targets under ${MIN_TARGET_PX}×${MIN_TARGET_PX} px:\n  ${small.join('\n  ')}`);
        const focus = await focusProblems(page);
        assert.deepEqual(focus, [], `keyboard focus:\n  ${focus.join('\n  ')}`);
        const wide = await sidewaysOverflow(page);
        assert.deepEqual(wide, [], `sideways scrolling at 360 px:\n  ${wide.join('\n  ')}`);
        await page.setViewportSize({ width: 180, height: 370 });
        const zoomedWide = await sidewaysOverflow(page);
        assert.deepEqual(zoomedWide, [], `sideways scrolling at 200 % zoom:\n  ${zoomedWide.join('\n  ')}`);
      } finally {
        await browser.close();
      }
    });
  }
}
