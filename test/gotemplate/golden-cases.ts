// Runs one oracle case through our engine (shared by the golden and live-oracle tests).
import type { OracleCase } from '../fixtures/go-template-oracle/corpus.js';
import { asOracleText, type OracleResult } from '../fixtures/go-template-oracle/oracle.js';
import { goFormat, goTimeFromUnix, goTimeString, inZone, loadLocation, localFromEnv, parseKubeTime, setLocalLocation } from '../../src/gotime/index.js';
import { eventToGoValue, extraFuncs, kubeEventerTemplateData, parseTemplate, TemplateError } from '../../src/gotemplate/index.js';
import { sprint } from '../../src/gotemplate/fmt.js';
import { unmarshalJSONString } from '../../src/gotemplate/json-scan.js';
import type { Box, Value } from '../../src/gotemplate/values.js';

export function runCase(c: OracleCase): OracleResult {
  setLocalLocation(localFromEnv({ TZ: c.tz }));
  try {
    if (c.kind === 'time') {
      const parsed = parseKubeTime(c.time)!;
      const t = inZone(goTimeFromUnix(parsed.sec, parsed.nsec), loadLocation(c.zone)!);
      return { id: c.id, output: c.layout === '' ? goTimeString(t) : goFormat(t, c.layout) };
    }
    if (c.kind === 'json') {
      const decoded = unmarshalJSONString([...Buffer.from(c.bytes, 'base64')]);
      if (typeof decoded === 'string') return { id: c.id, output: decoded };
      const fields = ((decoded.raw as Value).raw as Box).v as { Offset: number };
      return { id: c.id, error: `${sprint([decoded])} (offset ${fields.Offset})` };
    }
    const now = parseKubeTime(c.now)!;
    const data = c.data === 'event' ? eventToGoValue(c.event) : kubeEventerTemplateData(c.event, now);
    return { id: c.id, output: asOracleText(parseTemplate('body', c.template, c.funcs === 'extra' ? extraFuncs : {}).execute(data)) };
  } catch (err) {
    if (err instanceof TemplateError) return { id: c.id, error: asOracleText(err.message) };
    throw err;
  }
}

export function describeMismatches(cases: OracleCase[], expected: OracleResult[], actual: OracleResult[]): string[] {
  const out: string[] = [];
  cases.forEach((c, i) => {
    const e = expected[i]!;
    const a = actual[i]!;
    if (e.output !== a.output || e.error !== a.error) out.push(`${c.id}\n  go: ${JSON.stringify(e)}\n  ts: ${JSON.stringify(a)}`);
  });
  return out;
}
