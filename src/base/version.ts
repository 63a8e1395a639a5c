import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  // src/ when run from source, dist/src/ when built: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return `v${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`;
  }
  return 'unknown';
}

export const VERSION = process.env.KUBE_EVENTER_VERSION ?? packageVersion();
/** Injected by the image build (KUBE_EVENTER_COMMIT); `unknown` in a source checkout. */
export const GIT_COMMIT = process.env.KUBE_EVENTER_COMMIT ?? 'unknown';
