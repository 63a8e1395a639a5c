// Process entry: runs main() and exits with its code once output is flushed.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`kube-eventer: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
