// mysql sink → a real MariaDB server (test/fixtures/mariadb): bursts of events through the lane,
// one multi-row INSERT per batch, events/s until every row was written. Target: >= 5,000 events/s.
// Run: npm run bench:mysql -- [--events N] [--rounds R] [--schema kube-eventer|typed]
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseUri } from '../src/base/uri.js';
import { createMySqlSink } from '../src/sinks/mysql/sink.js';
import { startMariaDb } from '../test/fixtures/mariadb/index.js';
import { arg, burst, textArg } from './sink-bench.js';

async function main(): Promise<void> {
  const events = arg('events', 50_000);
  const rounds = arg('rounds', 3);
  const schema = textArg('schema', 'kube-eventer');
  const db = await startMariaDb();
  try {
    const uri = parseUri(`mysql:?root:${db.password}@tcp(${db.host}:${db.port})/${db.database}?charset=utf8mb4&table=bench&schema=${schema}`, '--sink', {});
    const built = await createMySqlSink(uri, { log: pino({ level: 'silent' }), metrics: new Registry(), shutdown: new AbortController().signal });
    const rates = await burst(`mysql schema=${schema}`, uri, built, events, rounds);
    console.log(`mysql: best ${Math.round(Math.max(...rates))} events/s, median ${Math.round(rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!)} events/s`);
  } finally {
    await db.close();
  }
}

await main();
