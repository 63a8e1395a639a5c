// Broad differential runs of how we read the command line against Go:
//   node --import tsx test/cli/fuzz-command-line.ts <first seed> <seeds> <cases per seed>
// prints each mismatch, minimised, and exits 1 if there is any.
import { CommandLineGenerator } from './random-command-lines.js';
import { commandLineMismatches, describeMismatch, GO_FLAGS, minimised } from './command-line-diff.js';

const [first = '1', seeds = '1', count = '2000'] = process.argv.slice(2);
let total = 0;
let cases = 0;
for (let seed = Number(first); seed < Number(first) + Number(seeds); seed++) {
  const requests = new CommandLineGenerator(seed).requests(Number(count), GO_FLAGS);
  const found = await commandLineMismatches(requests);
  cases += requests.length;
  total += found.length;
  for (const m of found.slice(0, 3)) console.log(`seed ${seed}: ${describeMismatch(await minimised(m))}`);
  if (found.length > 0) console.log(`seed ${seed}: ${found.length} mismatches`);
}
console.log(`seeds ${first}..${Number(first) + Number(seeds) - 1}: ${cases} cases, ${total} mismatches`);
process.exitCode = total > 0 ? 1 : 0;
