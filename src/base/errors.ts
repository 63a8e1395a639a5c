/** A user mistake in flags, URIs, options or templates: startup stops with this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
