#!/usr/bin/env node
// Runs the compiled daemon (`npm install` builds it into dist/).
import { main } from '../dist/src/main.js';

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err) => {
    process.stderr.write(`kube-eventer: unexpected failure: ${err?.stack ?? err}\n`);
    process.exit(70);
  },
);
