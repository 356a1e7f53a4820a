import { launchChromium } from './chromium.ts';
const b = await launchChromium();
b.page.on('pageerror', (e) => console.log('pageerror:', e.message));
for (const [i, url] of process.argv.slice(2).entries()) {
  await b.page.goto(url);
  await b.page.waitForSelector('body[data-ready]');
  await b.page.screenshot({ path: `/tmp/i14-s${i}.png` });
}
await b.close();
