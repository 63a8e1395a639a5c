// SwaggerDoc() of the k8s.io/api and apimachinery v0.17.16 types: the documentation maps Go returns,
// generated from Go into swagger-docs.json (see test/fixtures/go-template-oracle/methodsets) and
// read only when a template first asks for one.
import { readFileSync } from 'node:fs';
import { method } from './timetypes.js';
import { GoError, type GoType, mapOf, type Method, T, Value } from './values.js';

const StringMap = mapOf(T.string, T.string);

let docs: Record<string, Record<string, string>> | undefined;

function docsOf(typeKey: string): Map<string, string> {
  try {
    docs ??= JSON.parse(readFileSync(new URL('./swagger-docs.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
  } catch (err) {
    // A broken installation fails this render with a template error, not the daemon.
    throw new GoError(`API documentation unavailable: ${(err as Error).message}`);
  }
  const doc = docs[typeKey];
  if (doc === undefined) throw new GoError(`swagger-docs.json has no entry for ${typeKey}`);
  return new Map(Object.entries(doc));
}

/** The value method SwaggerDoc() map[string]string of t (its pkgPath names the Go package). */
export function swaggerDocMethod(t: GoType): Method {
  return method(false, [], [StringMap], () => new Value(StringMap, docsOf(`${t.pkgPath}.${t.name.slice(t.name.indexOf('.') + 1)}`)));
}
