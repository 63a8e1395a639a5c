import { Registry } from 'prom-client';
import { ConfigError } from './cli/errors.js';
import { parseCommandLine, usageText } from './cli/flags.js';
import { FlagError } from './cli/goflag.js';
import { redact } from './log/redact.js';
import { createLogger } from './log/logger.js';
import { registerUriSecrets, startDaemon } from './daemon.js';
import { createKubeEventSource } from './kube/event-source.js';
import { GIT_COMMIT, VERSION } from './version.js';

/** Exit codes as kube-eventer: 2 for flag syntax (Go's flag package), 255 for klog.Fatal. */
export const EXIT_FLAG = 2;
export const EXIT_FATAL = 255;

export async function main(argv: readonly string[]): Promise<number> {
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

  let daemon;
  try {
    const registry = new Registry();
    const { source, kube } = await createKubeEventSource(config, log, { registry });
    daemon = await startDaemon(config, { log, source, kube, registry });
  } catch (err) {
    if (err instanceof ConfigError) {
      // A plain line, not JSON: the person fixing the flags reads it.
      process.stderr.write(`${redact(err.message)}\n`);
      return EXIT_FATAL;
    }
    log.fatal({ err }, 'startup failed');
    return EXIT_FATAL;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining sink queues');
  const results = await daemon.stop(config.shutdownGraceMs);
  const lost = results.reduce((n, r) => n + r.remaining, 0);
  if (lost > 0) log.warn({ results }, 'shutdown grace period ended before every queued event was delivered');
  else log.info('all queued events delivered; exiting');
  return 0;
}
