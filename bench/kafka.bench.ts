// kafka sink → a real Apache Kafka broker (test/fixtures/kafka; install it first with
// bash test/fixtures/kafka/install.sh): bursts of events through the lane, events/s until every
// produce request was acknowledged. Target: >= 20,000 events/s.
// Run: npm run bench:kafka -- [--events N] [--rounds R] [--compression none|gzip|snappy|lz4|zstd] [--version 3.9.1] [--options &batch_size=1000]
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseUri } from '../src/base/uri.js';
import { createKafkaSink } from '../src/sinks/kafka/sink.js';
import { startKafka } from '../test/fixtures/kafka/index.js';
import { KAFKA_VERSIONS } from '../test/fixtures/kafka/versions.js';
import { arg, burst, textArg } from './sink-bench.js';

async function main(): Promise<void> {
  const events = arg('events', 100_000);
  const rounds = arg('rounds', 3);
  const compression = textArg('compression', 'none');
  const version = textArg('version', KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!.version);
  const broker = await startKafka({ version, fullJit: true });
  try {
    await broker.createTopics(['bench'], 3);
    const uri = parseUri(`kafka:?brokers=${broker.plaintext}&eventstopic=bench&compression=${compression}${textArg('options', '')}`, '--sink', {});
    const built = await createKafkaSink(uri, { log: pino({ level: 'silent' }), metrics: new Registry(), shutdown: new AbortController().signal });
    const rates = await burst(`kafka ${version} compression=${compression}`, uri, built, events, rounds);
    console.log(`kafka: best ${Math.round(Math.max(...rates))} events/s, median ${Math.round(rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!)} events/s`);
  } finally {
    await broker.close();
  }
}

await main();
