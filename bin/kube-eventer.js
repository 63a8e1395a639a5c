#!/usr/bin/env node
// Runs the compiled daemon (`npm ci` builds it into dist/).
import '../dist/src/entry.js';
