// Go's strconv.ParseFloat: decimal and hexadecimal (`0x1p-2`) literals, `_` between digits, inf and NaN.
import { underscoreOK } from './go-int.js';

/** strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseGoFloat(text: string): number | undefined {
  let s = text;
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  s = s.replace(/_/g, '');
  if (/^nan$/i.test(s)) return NaN;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (/^(inf|infinity)$/i.test(s)) return sign * Infinity;
  if (/^0[xX]/.test(s)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const value = parseInt((m[1] || '0') + (m[2] ?? ''), 16) * 2 ** (Number(m[3]) - 4 * (m[2] ?? '').length);
    return Number.isFinite(value) ? sign * value : undefined;
  }
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  return sign * v;
}
