import { Registry } from 'prom-client';
import { ConfigError } from './base/errors.js';
import { parseCommandLine, usageText } from './cli/flags.js';
import { FlagError } from './cli/goflag.js';
import { redact, registerUriSecrets } from './base/redact.js';
import { createLogger } from './log/logger.js';
import { startDaemon } from './daemon.js';
import { wireKube } from './kube-wiring.js';
import { CheckpointError } from './kube/checkpoint-store.js';
import { GIT_COMMIT, VERSION } from './base/version.js';
import { resumeOptimizingCompilers } from './base/v8-settings.js';

/** Exit codes as kube-eventer: 2 for flag syntax (Go's flag package), 255 for klog.Fatal. */
export const EXIT_FLAG = 2;
export const EXIT_FATAL = 255;

export async function main(argv: readonly string[]): Promise<number> {
  // Loaded only for this subcommand: its YAML parser would otherwise sit in the daemon's memory.
  if (argv[0] === 'render') {
    resumeOptimizingCompilers();
    return (await import('./render.js')).runRender(argv.slice(1));
  }
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`${redact(err.message)}\n${usageText()}`);
      return EXIT_FLAG;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${redact(err.message)}\n`);
      return EXIT_FATAL;
    }
    throw err;
  }
  if (command.kind === 'help') {
    process.stderr.write(usageText());
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`kube-eventer version: ${VERSION} commit: ${GIT_COMMIT}\n\n`);
    return 0;
  }
  const config = command.config;
  for (const uri of [config.source, ...config.sinks]) registerUriSecrets(uri);
  const log = createLogger({ verbosity: config.verbosity, format: config.logFormat });
  log.info({ args: argv.join(' ') }, 'kube-eventer command line');
  log.info({ version: VERSION, commit: GIT_COMMIT }, 'kube-eventer version');
  for (const warning of config.warnings) log.warn(warning);

  let daemon;
  try {
    const registry = new Registry();
    const wiring = await wireKube(config, log, registry);
    daemon = await startDaemon(config, { log, registry, ...wiring });
    resumeOptimizingCompilers();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof CheckpointError) {
      // A plain line, not JSON: the person fixing the flags reads it.
      process.stderr.write(`${redact(err.message)}\n`);
      return EXIT_FATAL;
    }
    log.fatal({ err }, 'startup failed');
    return EXIT_FATAL;
  }

  const ended = await Promise.race([
    new Promise<{ signal: NodeJS.Signals }>((resolve) => {
      process.once('SIGTERM', () => resolve({ signal: 'SIGTERM' }));
      process.once('SIGINT', () => resolve({ signal: 'SIGINT' }));
    }),
    daemon.fatal.then((reason) => ({ reason })),
  ]);
  if ('reason' in ended) {
    // Another replica may be delivering already: stop at once rather than drain.
    log.error({ reason: ended.reason }, 'stopping');
    await daemon.stop(0);
    return 1;
  }
  log.info({ signal: ended.signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining sink queues');
  const results = await daemon.stop(config.shutdownGraceMs);
  const left = results.reduce((n, r) => n + r.remaining, 0);
  if (left > 0) {
    const perSink = results.filter((r) => r.remaining > 0).map((r) => `${r.sink}: ${r.remaining}`).join(', ');
    const fate = config.checkpoint === undefined
      ? 'they are lost (no --checkpoint)'
      : 'the checkpoint still points before them, so the next start delivers them';
    log.warn({ undelivered: Object.fromEntries(results.map((r) => [r.sink, r.remaining])) }, `shutdown grace period ended with ${left} events undelivered (${perSink}); ${fate}`);
  } else {
    log.info('all queued events delivered; exiting');
  }
  return 0;
}
