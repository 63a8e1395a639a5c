#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=256
// Runs the compiled daemon (`npm ci` builds it into dist/). The V8 flags keep the heap small: 100,000
// queued events fit in under 100 MiB of RSS (bench/pipeline.bench.ts); NODE_OPTIONS may override them.
import '../dist/src/entry.js';
