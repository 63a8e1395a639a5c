// A seeded generator of core/v1 Events as JSON lines: what an API server sends (normalised times,
// omitted empty fields) and what a hand-written or hostile Event can carry (times in other offsets
// and with fractions, nulls, lone-surrogate escapes, control and non-BMP characters, int64 edges,
// odd map keys, unknown fields). The same seed always yields the same lines.

/** mulberry32: small, fast and good enough to pick cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON text written as is (numbers beyond 2^53, escapes JSON.stringify would not write). */
class Raw {
  constructor(readonly text: string) {}
}

type Value = Raw | string | number | boolean | null | Value[] | { [key: string]: Value };

function toJson(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
  if (v !== null && typeof v === 'object') return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' + toJson(x)).join(',') + '}';
  return JSON.stringify(v);
}

const PIECES = [
  'a', 'Z', '0', ' ', '<', '>', '&', '"', '\\', '/', '\u2028', '\u2029', '\n', '\t', '\r', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f',
  '\u0080', '\u00e9', '\u00ff', '\u0100', '\u07ff', '\u0800', '\ufeff', '\ufffd', '\uffff', '\u{1f600}', '\u{10ffff}', '\u{10000}',
  '\ud800', '\udbff', '\udc00', '\udfff', '%', '%s', '{{', '}}', '$', '\'', '`', '=', ',', ';', ':', '\u00a0', '\u200b', '\u0130', '\u03a3', 'A\u03a3', '\u1e9e', '\u01c5', '\u212a', '\u0345',
  'kube-system', 'Pod', 'Back-off restarting failed container', '<script>alert(1)</script>', '&amp;', 'null', 'true', '-1', '1e3',
];

/** Seeded choices for generators. */
export class SeededPicks {
  protected readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = seededRandom(seed);
  }

  protected int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  protected chance(p: number): boolean {
    return this.rnd() < p;
  }

  protected pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export class EventGenerator extends SeededPicks {

  text(): string {
    const r = this.rnd();
    if (r < 0.15) return '';
    if (r < 0.45) return this.pick(['web-1', 'kubelet', 'node-1', 'Normal', 'Warning', 'default', 'Scheduled', 'u-' + this.int(1000)]);
    if (r < 0.5) return this.pick(PIECES).repeat(1 + this.int(this.chance(0.5) ? 300 : 70000));
    let s = '';
    const n = 1 + this.int(12);
    for (let i = 0; i < n; i++) s += this.pick(PIECES);
    return s;
  }

  /** A string member: absent, null, or text. */
  private str(out: Record<string, Value>, key: string, pAbsent = 0.3): void {
    if (this.chance(pAbsent)) return;
    out[key] = this.chance(0.05) ? null : this.text();
  }

  private int32(): Value {
    return this.pick<Value>([0, 1, 2, -1, 7, 2147483647, -2147483648, 1000, this.int(100000), null]);
  }

  /** int64 values, the edges of JSON.parse's exact range (±2^53) and of int64 included; past int64 Go refuses the Event. */
  private int64(): Value {
    const beyond = ['9007199254740993', '-9007199254740993', '9223372036854775807', '-9223372036854775808', '12345678901234567', '9223372036854775808'];
    if (this.chance(0.3)) return new Raw(this.pick(beyond));
    return this.pick<Value>([0, 1, -1, 30, 2147483647, 2147483648, 9007199254740991, -9007199254740991, this.int(1e9), null]);
  }

  private date(): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
    const y = this.pick([1, 1, 1969, 1970, 2000, 2024, 2026, 2026, 2026, 2038, 2106, 9999]);
    return { y, mo: 1 + this.int(12), d: 1 + this.int(28), h: this.int(24), mi: this.int(60), s: this.int(60) };
  }

  private stamp(fraction: string): string {
    const { y, mo, d, h, mi, s } = this.date();
    if (y === 1 && this.chance(0.5)) return '0001-01-01T00:00:00' + fraction + 'Z';
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const zone = this.pick(['Z', 'Z', 'Z', '+08:00', '-05:00', '+05:45', '-00:00', '+14:00', '-12:00']);
    return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${fraction}${zone}`;
  }

  /** metav1.Time: RFC 3339, with or without a fraction. */
  private time(): Value {
    if (this.chance(0.15)) return null;
    const digits = this.chance(0.7) ? 0 : 1 + this.int(9);
    return this.stamp(digits === 0 ? '' : '.' + String(this.int(10 ** digits)).padStart(digits, '0'));
  }

  /** metav1.MicroTime: exactly six fractional digits (its layout requires them). */
  private microTime(): Value {
    if (this.chance(0.3)) return null;
    return this.stamp('.' + this.pick(['000000', '000001', '999999', '500000', String(this.int(1e6)).padStart(6, '0')]));
  }

  private map(): Value {
    if (this.chance(0.1)) return null;
    const out: Record<string, Value> = {};
    const n = this.int(6);
    for (let i = 0; i < n; i++) {
      const key = this.pick(['app', 'a', 'B', '10', '2', '-1', '01', '4294967295', '', 'é', 'Z', '__proto__', 'constructor', 'toString', 'k8s.io/<x>', '\u{1f600}', '\ufffd', '\ud800'].concat(this.text()));
      out[key] = this.chance(0.03) ? null : this.text();
    }
    return out;
  }

  private objectReference(): Value {
    const o: Record<string, Value> = {};
    this.str(o, 'kind');
    if (this.chance(0.3)) o.kind = 'Pod';
    for (const k of ['namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) this.str(o, k);
    this.unknown(o);
    return o;
  }

  private unknown(o: Record<string, Value>): void {
    if (this.chance(0.05)) o[this.pick(['extra', 'zz', 'status', 'spec'])] = this.pick<Value>([1, 'x', null, { a: [1, 2] }, []]);
  }

  private metadata(): Value {
    const m: Record<string, Value> = {};
    for (const k of ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'clusterName']) this.str(m, k);
    if (this.chance(0.3)) m.generation = this.int64();
    if (!this.chance(0.2)) m.creationTimestamp = this.time();
    if (this.chance(0.2)) m.deletionTimestamp = this.time();
    if (this.chance(0.2)) m.deletionGracePeriodSeconds = this.int64();
    if (this.chance(0.5)) m.labels = this.map();
    if (this.chance(0.3)) m.annotations = this.map();
    if (this.chance(0.2)) {
      m.ownerReferences = Array.from({ length: this.int(3) }, (): Value => {
        if (this.chance(0.05)) return null;
        const o: Record<string, Value> = { apiVersion: this.text(), kind: this.text(), name: this.text(), uid: this.text() };
        if (this.chance(0.5)) o.controller = this.chance(0.5);
        if (this.chance(0.5)) o.blockOwnerDeletion = this.chance(0.5);
        return o;
      });
    }
    if (this.chance(0.2)) m.finalizers = Array.from({ length: this.int(3) }, () => (this.chance(0.05) ? null : this.text()));
    if (this.chance(0.2)) {
      m.managedFields = Array.from({ length: this.int(3) }, (): Value => {
        if (this.chance(0.05)) return null;
        const f: Record<string, Value> = {};
        for (const k of ['manager', 'operation', 'apiVersion', 'fieldsType']) this.str(f, k);
        if (this.chance(0.7)) f.time = this.time();
        if (this.chance(0.7)) f.fieldsV1 = this.pick<Value>([{ 'f:message': {}, 'f:count': {}, 'f:<a>': { '.': {} } }, {}, { b: 1, a: [true, null, 'x\u2028'] }]);
        return f;
      });
    }
    this.unknown(m);
    return m;
  }

  /** One Event as a JSON line. */
  next(): string {
    // No kind/apiVersion: client-go's typed decoding clears TypeMeta, and so does our watch.
    const e: Record<string, Value> = {};
    e.metadata = this.metadata();
    // null or absent: Go decodes the empty ObjectReference, and so does our watch.
    if (!this.chance(0.04)) e.involvedObject = this.chance(0.04) ? null : this.objectReference();
    for (const k of ['reason', 'message']) this.str(e, k);
    if (this.chance(0.85)) {
      const s: Record<string, Value> = {};
      this.str(s, 'component');
      this.str(s, 'host');
      e.source = this.chance(0.05) ? null : s;
    }
    if (!this.chance(0.2)) e.firstTimestamp = this.time();
    if (!this.chance(0.2)) e.lastTimestamp = this.time();
    if (this.chance(0.8)) e.count = this.int32();
    this.str(e, 'type');
    if (!this.chance(0.3)) e.eventTime = this.microTime();
    if (this.chance(0.3)) {
      const s: Record<string, Value> = {};
      if (this.chance(0.8)) s.count = this.int32();
      if (this.chance(0.8)) s.lastObservedTime = this.microTime();
      this.str(s, 'state');
      e.series = this.chance(0.1) ? null : s;
    }
    this.str(e, 'action');
    if (this.chance(0.3)) e.related = this.chance(0.1) ? null : this.objectReference();
    this.str(e, 'reportingComponent', 0.2);
    this.str(e, 'reportingInstance', 0.2);
    this.unknown(e);
    return toJson(e);
  }
}

/** `count` Event lines from `seed`. */
export function randomEventLines(seed: number, count: number): string[] {
  const g = new EventGenerator(seed);
  return Array.from({ length: count }, () => g.next());
}
