#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=256
// Runs the compiled daemon (`npm ci` builds it into dist/). The V8 flags keep the heap small; the daemon
// applies the same growth limits itself when they are dropped (src/base/v8-settings.ts; `npm run
// bench:memory` measures with and without them); NODE_OPTIONS may override them.
import '../dist/src/entry.js';
