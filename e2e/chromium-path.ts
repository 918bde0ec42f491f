import { existsSync } from "node:fs";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * The e2e tests drive a system Chromium (Playwright cannot download its own browser on
 * machines without internet). CHROME_PATH wins; otherwise Debian's /usr/bin/chromium.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROME_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) {
      throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file exists there.`);
    }
    return fromEnv;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(
    "No Chromium found for the browser tests. Install one with `sudo apt-get install -y chromium` " +
      "(Debian/Ubuntu), or set CHROME_PATH to a Chrome or Chromium executable.",
  );
}
