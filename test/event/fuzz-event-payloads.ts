// Broad differential runs of the Event payloads against Go:
//   node --import tsx test/event/fuzz-event-payloads.ts <seed> <count> <tz>
// prints each mismatch (line, form, first differing position) and exits 1 if there is any.
import { randomEventLines } from './random-events.js';
import { payloadMismatches } from './payload-diff.js';

const [seed = '1', count = '1000', tz = 'UTC'] = process.argv.slice(2);
const lines = randomEventLines(Number(seed), Number(count));
const found = await payloadMismatches(lines, tz);
for (const m of found) {
  let at = 0;
  while (at < m.go.length && m.go[at] === m.ours[at]) at++;
  const clip = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 60), at + 60));
  console.log(`seed ${seed} line ${m.line} ${m.form} @${at}\n  go:   ${clip(m.go)}\n  ours: ${clip(m.ours)}`);
}
console.log(`seed ${seed} tz ${tz}: ${lines.length} events, ${found.length} mismatches`);
process.exitCode = found.length > 0 ? 1 : 0;
