// node:http, loaded the CommonJS way. Imported as an ES module, Node 24 first reads every export of
// it to build the module's namespace, and its lazy `WebSocket` export loads Node's bundled undici:
// about 3.5 MiB more resident for a daemon that never opens a WebSocket (eslint.config.js keeps
// the rest of src/ from importing node:http itself).
import { createRequire } from 'node:module';

export const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
