/**
 * The HTML health page in a real browser: Debian's Chromium, driven headless
 * by playwright-core, loading the page from the service over loopback. Asserts
 * on what is rendered and keeps screenshots in tests/.artifacts/.
 */
import assert from "node:assert/strict";
import { type Browser, chromium } from "playwright-core";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { request, startOurs, writeConfig } from "./_servers.ts";

const ARTIFACTS = new URL("../.artifacts/", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";

async function launch(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      "Chromium is not installed: run `deno task setup` (or apt-get install -y chromium)",
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

natsTest(
  "the health page shows status, checks with result, message and age, and the runtime",
  async () => {
    await using nats = await startNatsServer();
    const dir = await Deno.makeTempDir({ prefix: "health-page-" });
    const browser = await launch();
    try {
      await Deno.writeTextFile(`${dir}/healthcheck_disable`, "");
      const conf = await writeConfig(
        dir,
        "edge.conf",
        [
          "[healthcheck]",
          "detailed = true",
          "backends = disable_by_file, nats, config",
          `disable_by_file_path = ${dir}/healthcheck_disable`,
          `nats_url = ${nats.url}`,
          "",
        ].join("\n"),
      );
      await using ours = await startOurs(conf);
      const url = `http://127.0.0.1:${ours.ports[0]}/healthcheck`;

      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const requested: string[] = [];
      page.on("request", (r) => void requested.push(r.url()));
      const response = await page.goto(url);
      assert.equal(response?.status(), 503);
      assert.equal(response?.headers()["content-type"], "text/html; charset=UTF-8");

      assert.equal(await page.title(), "Healthcheck Status: UNAVAILABLE");
      assert.match(await page.locator("h1").innerText(), /^UNAVAILABLE\s+HTTP 503$/);
      assert.equal(
        await page.locator(".summary").innerText(),
        "1 of 3 checks fail: this instance is out of rotation.",
      );
      assert.equal(await page.locator("section.checks h2").innerText(), "Result of 3 checks:");
      const headers = await page.locator("section.checks th").allInnerTexts();
      assert.deepEqual(headers.map((h) => h.toLowerCase()), ["check", "result", "details", "age"]);

      const row = (name: string) => page.locator(`tr[data-check="${name}"]`);
      assert.equal(await page.locator("tbody tr").count(), 3);
      assert.equal(await row("disable_by_file").getAttribute("class"), "fail");
      assert.match(
        await row("disable_by_file").locator(".result").innerText(),
        /^FAIL\s+DISABLED BY FILE$/,
      );
      assert.equal(
        await row("disable_by_file").locator(".details").innerText(),
        `Path '${dir}/healthcheck_disable' was found`,
      );
      assert.match(await row("nats").locator(".result").innerText(), /^PASS\s+OK$/);
      assert.match(
        await row("nats").locator(".details").innerText(),
        new RegExp(
          `^Connected to 127\\.0\\.0\\.1:${nats.port}, round trip \\d+\\.\\d\\d ms, 0 reconnects$`,
        ),
      );
      assert.match(
        await row("config").locator(".details").innerText(),
        new RegExp(`from ${dir}/edge\\.conf`),
      );
      for (const name of ["disable_by_file", "nats", "config"]) {
        assert.match(
          await row(name).locator(".age").innerText(),
          /^\d+(\.\d)? s ago\s*\(took \d+(\.\d)? ms\)$/,
          name,
        );
      }

      // Rendered, not only present: colours tell pass from fail, and nothing overflows sideways.
      const colour = (sel: string) =>
        page.locator(sel).first().evaluate((e) =>
          // Runs in the page; typed loosely because Deno's types have no DOM.
          (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } })
            .getComputedStyle(e).backgroundColor
        );
      assert.equal(await colour('tr[data-check="disable_by_file"] .badge'), "rgb(207, 34, 46)");
      assert.equal(await colour('tr[data-check="nats"] .badge'), "rgb(26, 127, 55)");
      assert.equal(await page.evaluate("document.documentElement.scrollWidth <= innerWidth"), true);

      const runtime = await page.locator("section.runtime").innerText();
      assert.match(
        runtime,
        new RegExp(`Deno version\\s+${Deno.version.deno.replaceAll(".", "\\.")} \\(v8 `),
      );
      assert.match(runtime, /Memory\s+rss \d+(\.\d)? MiB, heap/);
      assert.match(runtime, /Current time\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})? UTC/);
      assert.deepEqual(requested, [url], "no external assets: the page is the only request");

      await Deno.mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}health_page.png`, fullPage: true });

      // Back in rotation: the operator removes the disable file.
      await Deno.remove(`${dir}/healthcheck_disable`);
      await waitFor(async () => (await request(ours.ports[0]!)).status === 200, {
        what: "back in rotation",
      });
      await page.goto(url);
      assert.equal(await page.title(), "Healthcheck Status: OK");
      assert.equal(await page.locator(".summary").innerText(), "All 3 checks pass.");
      await page.screenshot({ path: `${ARTIFACTS}health_page_ok.png`, fullPage: true });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("the page without detailed shows each check's reason, hides details and the runtime", async () => {
  const dir = await Deno.makeTempDir({ prefix: "health-page-" });
  const browser = await launch();
  try {
    const conf = await writeConfig(
      dir,
      "edge.conf",
      [
        "[healthcheck]",
        "backends = disable_by_file",
        `disable_by_file_path = ${dir}/off`,
        "",
      ].join("\n"),
    );
    await using ours = await startOurs(conf);
    const page = await browser.newPage();
    const response = await page.goto(`http://127.0.0.1:${ours.ports[0]}/healthcheck`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), "Healthcheck Status: OK");
    assert.equal(await page.locator(".summary").innerText(), "The check passes.");
    assert.deepEqual(
      (await page.locator("section.checks th").allInnerTexts()).map((h) => h.toLowerCase()),
      ["check", "result", "age"],
    );
    const row = page.locator('tr[data-check="disable_by_file"]');
    assert.match(await row.locator(".result").innerText(), /^PASS\s+OK$/);

    // Out of rotation: the check's message (its reason, as the plain reply gives it) shows.
    await Deno.writeTextFile(`${dir}/off`, "");
    await waitFor(async () => (await request(ours.ports[0]!)).status === 503, {
      what: "out of rotation",
    });
    await page.reload();
    assert.equal(await page.title(), "Healthcheck Status: UNAVAILABLE");
    assert.equal(
      await page.locator(".summary").innerText(),
      "The check fails: this instance is out of rotation.",
    );
    assert.match(await row.locator(".result").innerText(), /^FAIL\s+DISABLED BY FILE$/);
    assert.equal(await row.locator(".reason").isVisible(), true);
    assert.match(await row.locator(".age").innerText(), /^\d+(\.\d)? s ago$/);
    assert.equal(await page.locator(".details").count(), 0);
    assert.equal(await page.locator("section.runtime").count(), 0);
    assert.doesNotMatch(await page.content(), new RegExp(dir), "no file paths without detailed");
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}health_page_plain.png`, fullPage: true });
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
