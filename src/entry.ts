// Process entry: V8's memory settings first, then the daemon (loaded after them, so its start-up
// runs under them); exits with main()'s code once output is flushed.
import { limitHeapGrowth, pauseOptimizingCompilers } from './base/v8-settings.js';

limitHeapGrowth();
pauseOptimizingCompilers();
const { main } = await import('./main.js');

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`kube-eventer: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
