// The text/template executor: Go's exec.go semantics (truth, fields before/after methods,
// argument typing, variables, range/with/if, template calls) and Go's error texts.
import { sprint } from './fmt.js';
import { type Node, type PipeNode, type BranchNode, type CommandNode, type NumberNode, nodeString } from './node.js';
import { TemplateError, type TreeSet } from './parse.js';
import { quote } from './strconv.js';
import {
  type Box,
  type Val,
  findField,
  findMethod,
  GoError,
  GoType,
  hasField,
  indirect,
  indirectInterface,
  isFloatKind,
  isIntKind,
  isUintKind,
  normInt,
  sortedMapKeys,
  T,
  Value,
  zeroValue,
  byteLength,
} from './values.js';

/** Parameter type meaning "any value, including none" (Go's reflect.Value parameters). */
export const REFLECT_VALUE = new GoType('struct', 'reflect.Value');

/** A function callable from templates. Throws GoError when its error result is non-nil. */
export interface TemplateFunc {
  readonly params: readonly GoType[];
  readonly variadic: boolean;
  /** One result, or two where the second is T.error. */
  readonly results: readonly GoType[];
  readonly call: (args: Val[]) => Val;
}

export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/**
 * Bounds on one execution, which Go does not have: a template from a ConfigMap must not be able to
 * exhaust the heap (`{{range 10000000000}}x{{end}}`) or hold the event loop (a long silent loop).
 */
export interface RenderLimits {
  /**
   * Work: one step per node walked (action, text, range iteration, template call) and per function
   * or method call, plus one per 64 characters of the strings a call takes and returns.
   */
  readonly maxSteps: number;
  /** Bytes of output, and of any string a function returns. */
  readonly maxOutputBytes: number;
}

/** 1 MiB of output; 100,000 steps: far above real templates (tens to hundreds), about 0.1 s of the slowest steps. */
export const DEFAULT_RENDER_LIMITS: RenderLimits = { maxSteps: 100_000, maxOutputBytes: 1 << 20 };

const MAX_EXEC_DEPTH = 100000;

/** Pipeline "no final value" marker (Go's missingVal). */
const MISSING = new Value(new GoType('struct', 'template.missingValType'), null);

const enum Flow {
  Normal,
  Break,
  Continue,
}

interface Variable {
  name: string;
  value: Val;
}

export interface ExecContext {
  readonly text: string;
  readonly parseName: string;
  readonly trees: TreeSet;
  readonly funcs: FuncMap;
  readonly builtins: FuncMap;
  readonly limits: RenderLimits;
}

function canBeNil(t: GoType): boolean {
  switch (t.kind) {
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true;
  }
  return t === REFLECT_VALUE;
}

function implementsIface(t: GoType, iface: GoType): boolean {
  if (iface === T.any) return true;
  if (iface === T.error) return findMethod(new Value(t, t.kind === 'ptr' ? { v: null } : null), 'Error') !== undefined;
  return false;
}

export function assignable(from: GoType, to: GoType): boolean {
  if (from === to) return true;
  if (to.kind === 'interface') return implementsIface(from, to);
  return false;
}

/** Go's isTrue; ok=false for values with no truth. */
export function isTrue(v: Val): { truth: boolean; ok: boolean } {
  if (v === null) return { truth: false, ok: true };
  const k = v.type.kind;
  switch (k) {
    case 'map':
      return { truth: v.raw !== null && (v.raw as Map<unknown, unknown>).size > 0, ok: true };
    case 'slice':
      return { truth: v.raw !== null && (v.raw as unknown[]).length > 0, ok: true };
    case 'string':
      return { truth: (v.raw as string).length > 0, ok: true };
    case 'bool':
      return { truth: v.raw as boolean, ok: true };
    case 'complex128': {
      const c = v.raw as { re: number; im: number };
      return { truth: c.re !== 0 || c.im !== 0, ok: true };
    }
    case 'func':
    case 'ptr':
    case 'interface':
      return { truth: v.raw !== null, ok: true };
    case 'struct':
      return { truth: true, ok: true };
  }
  if (isIntKind(k) || isUintKind(k) || isFloatKind(k)) return { truth: v.raw != 0, ok: true };
  return { truth: false, ok: false };
}

export function truth(v: Val): boolean {
  return isTrue(indirectInterface(v)).truth;
}

/** Go's printableValue: the value fmt should print, or undefined when it cannot be printed. */
export function printableValue(v: Val): Val | undefined | string {
  if (v !== null && v.type.kind === 'ptr') v = indirect(v).value;
  if (v === null) return '<no value>';
  const plain = new Value(v.type, v.raw, false);
  const hasStringMethod = (x: Value): boolean => findMethod(x, 'Error') !== undefined || findMethod(x, 'String') !== undefined;
  if (!hasStringMethod(plain)) {
    if (v.addressable && hasStringMethod(v)) return new Value(v.type.pointer(), { v: v.raw } satisfies Box);
    if (v.type.kind === 'func') return undefined;
  }
  return plain;
}

function bytePos(text: string, from: number, to: number): number {
  return byteLength(text.slice(from, to));
}

class ExecState {
  out = '';
  /** UTF-8 length of `out`, counted from when it could come near the output limit (-1 before). */
  private outBytes = -1;
  private steps = 0;
  private vars: Variable[];
  private node: Node | null = null;
  private depth = 0;

  constructor(
    private readonly ctx: ExecContext,
    private tmplName: string,
    dot: Val,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  errorf(msg: string): never {
    const name = this.tmplName;
    if (this.node === null) throw new TemplateError(`template: ${name}: ${msg}`);
    const text = this.ctx.text;
    const pos = this.node.pos;
    const nl = text.lastIndexOf('\n', pos - 1);
    const col = nl < 0 ? bytePos(text, 0, pos) : bytePos(text, nl + 1, pos);
    const line = 1 + countNewlines(text, pos);
    throw new TemplateError(`template: ${this.ctx.parseName}:${line}:${col}: executing ${quote(name)} at <${nodeString(this.node)}>: ${msg}`);
  }

  private at(node: Node): void {
    this.node = node;
  }

  // ---- variables ----

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private push(name: string, value: Val): void {
    this.vars.push({ name, value });
  }

  private setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: Val): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  private varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  private emit(text: string): void {
    this.out += text;
    // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only once the output could be near the cap.
    if (this.outBytes < 0) {
      if (this.out.length * 3 <= this.ctx.limits.maxOutputBytes) return;
      this.outBytes = Buffer.byteLength(this.out, 'utf8');
    } else {
      this.outBytes += Buffer.byteLength(text, 'utf8');
    }
    if (this.outBytes > this.ctx.limits.maxOutputBytes) this.errorf(`output exceeds the limit of ${this.ctx.limits.maxOutputBytes} bytes`);
  }

  private charge(steps: number): void {
    this.steps += steps;
    if (this.steps > this.ctx.limits.maxSteps) this.errorf(`execution exceeds the limit of ${this.ctx.limits.maxSteps} steps`);
  }

  walk(dot: Val, node: Node): Flow {
    this.at(node);
    this.charge(1);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Flow.Normal;
      }
      case 'break':
        return Flow.Break;
      case 'continue':
        return Flow.Continue;
      case 'comment':
        return Flow.Normal;
      case 'if':
      case 'with':
        return this.walkIfOrWith(node, dot);
      case 'list':
        for (const n of node.nodes) {
          const flow = this.walk(dot, n);
          if (flow !== Flow.Normal) return flow;
        }
        return Flow.Normal;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.emit(node.text);
        return Flow.Normal;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkIfOrWith(node: BranchNode, dot: Val): Flow {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const { truth: t, ok } = isTrue(indirectInterface(val));
      if (!ok) this.errorf(`if/with can't use ${sprint([val])}`);
      if (t) return this.walk(node.kind === 'with' ? val : dot, node.list);
      if (node.elseList) return this.walk(dot, node.elseList);
      return Flow.Normal;
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: Val, r: BranchNode): Flow {
    this.at(r);
    const outerMark = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const v = val === null ? null : indirect(val).value;
      const mark = this.mark();
      const decl = r.pipe.decl;
      // Returns true when the loop must stop ({{break}}).
      const oneIteration = (index: Val, elem: Val): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          return this.walk(elem, r.list) === Flow.Break;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      if (v === null) {
        // No value acts like an empty collection.
      } else if (isIntKind(v.type.kind) || isUintKind(v.type.kind)) {
        if (decl.length > 1) this.errorf(`can't use ${sprint([v])} to iterate over more than one variable`);
        const n = Number(v.raw);
        for (let i = 0; i < n; i++) {
          ran = true;
          if (oneIteration(null, new Value(v.type, i))) break;
        }
      } else if (v.type.kind === 'slice') {
        // Go reads the length again each time: an addressable slice the body appends to grows.
        const current = (): unknown[] => (v.raw as unknown[] | null) ?? [];
        for (let i = 0; i < current().length; i++) {
          ran = true;
          const arr = current();
          if (oneIteration(new Value(T.int, i), new Value(v.type.elem!, arr[i], true, { holder: arr, key: i }))) break;
        }
      } else if (v.type.kind === 'map') {
        const m = v.raw as Map<unknown, unknown> | null;
        if (m !== null) {
          for (const key of sortedMapKeys(m)) {
            ran = true;
            if (oneIteration(new Value(v.type.key!, key), new Value(v.type.elem!, m.get(key)))) break;
          }
        }
      } else {
        this.errorf(`range can't iterate over ${sprint([v])}`);
      }
      if (!ran && r.elseList) {
        // Go's range recovers any {{break}}, even one in its else list (legal inside an outer range):
        // it ends this range only; a {{continue}} there goes on to the outer loop.
        const flow = this.walk(dot, r.elseList);
        return flow === Flow.Break ? Flow.Normal : flow;
      }
      return Flow.Normal;
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: Val, t: Extract<Node, { kind: 'template' }>): Flow {
    this.at(t);
    const tree = this.ctx.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : null;
    const saved = { vars: this.vars, name: this.tmplName };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = t.name;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } catch (err) {
      // The JS stack ends before Go's depth limit: report it as Go reports hitting that limit.
      if (err instanceof RangeError && err.message.includes('call stack')) {
        this.at(t);
        this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
      }
      throw err;
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
    return Flow.Normal;
  }

  // ---- evaluation ----

  evalPipeline(dot: Val, pipe: PipeNode): Val {
    this.at(pipe);
    let value: Val = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value !== null && value.type === T.any) value = value.raw as Val;
    }
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, value);
      else this.push(variable.ident[0]!, value);
    }
    return value;
  }

  private notAFunction(args: readonly Node[], final: Val): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Val): Val {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return new Value(T.bool, first.value);
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return new Value(T.string, first.text);
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): Val {
    this.at(c);
    if (c.isComplex) return new Value(T.complex128, c.complex);
    const isHexInt = /^0[xX]/.test(c.text) && !/[pP]/.test(c.text);
    if (c.isFloat && !isHexInt && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) return new Value(T.float64, c.float64);
    if (c.isInt) return new Value(T.int, normInt(c.int64));
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return null;
  }

  private evalChainNode(dot: Val, chain: Extract<Node, { kind: 'chain' }>, args: readonly Node[], final: Val): Val {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Val, variable: Extract<Node, { kind: 'variable' }>, args: readonly Node[], final: Val): Val {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: Val, receiver: Val, node: Node, ident: readonly string[], args: readonly Node[] | null, final: Val): Val {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private evalFunction(dot: Val, node: Extract<Node, { kind: 'identifier' }>, cmd: Node, args: readonly Node[] | null, final: Val): Val {
    this.at(node);
    const name = node.ident;
    const fn = this.ctx.funcs[name];
    if (fn) return this.evalCall(dot, fn, false, cmd, name, args, final);
    const builtin = this.ctx.builtins[name];
    if (builtin) return this.evalCall(dot, builtin, true, cmd, name, args, final);
    this.errorf(`${quote(name)} is not a defined function`);
  }

  private evalField(dot: Val, fieldName: string, node: Node, args: readonly Node[] | null, final: Val, receiver: Val): Val {
    if (receiver === null) return null;
    const typ = receiver.type;
    const { value: recv, isNil } = indirect(receiver);
    if (recv.type.kind === 'interface' && isNil) this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
    const bound = findMethod(recv, fieldName);
    if (bound) {
      const fn: TemplateFunc = {
        params: bound.method.params,
        variadic: bound.method.variadic ?? false,
        results: bound.method.results,
        call: (a) => bound.method.call(bound.recv, a as Value[]),
      };
      return this.evalCall(dot, fn, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    switch (recv.type.kind) {
      case 'struct': {
        if (recv.type.opaque) break;
        const field = findField(recv.type, recv.raw as Record<string, unknown>, fieldName, recv.addressable);
        if (field) {
          // Every field name in this model is ASCII: exported means an upper-case first letter.
          const first = fieldName.charCodeAt(0);
          if (first < 0x41 || first > 0x5a) this.errorf(`${fieldName} is an unexported field of struct type ${typ.name}`);
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return field;
        }
        break;
      }
      case 'map': {
        if (recv.type.key!.kind === 'string' && recv.type.key === T.string) {
          if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
          const m = recv.raw as Map<unknown, unknown> | null;
          if (m === null || !m.has(fieldName)) return null;
          return new Value(recv.type.elem!, m.get(fieldName));
        }
        break;
      }
      case 'ptr': {
        const etyp = recv.type.elem!;
        if (etyp.kind === 'struct' && !hasField(etyp, fieldName)) break;
        if (isNil) this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
        break;
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ.name}`);
  }

  private evalCall(dot: Val, fn: TemplateFunc, isBuiltin: boolean, node: Node, name: string, argNodes: readonly Node[] | null, final: Val): Val {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const params = fn.params;
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = params.length - 1;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${params.length - 1} got ${args.length}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }
    const goodFunc = checkResults(name, fn.results);
    if (goodFunc) this.errorf(goodFunc);

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: Val = null;
      for (const arg of args) {
        v = this.evalArg(dot, REFLECT_VALUE, arg);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, REFLECT_VALUE);
      return v;
    }

    const argv: Val[] = new Array<Val>(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, params[i]!, args[i]!);
    if (fn.variadic) {
      const argType = params[params.length - 1]!;
      for (; i < args.length; i++) argv[i] = this.evalArg(dot, argType, args[i]!);
    }
    if (final !== MISSING) {
      let t = params[params.length - 1]!;
      if (fn.variadic && numIn - 1 < numFixed) t = params[numIn - 1]!;
      argv[i] = this.validateType(final, t);
    }
    if (isBuiltin && name === 'call') {
      const calleeName = args.length === 0 ? sprint([final]) : nodeString(args[0]!);
      argv.unshift(new Value(T.string, calleeName));
    }
    this.charge(1 + stringChars(argv) / 64);
    try {
      const result = fn.call(argv);
      if (result !== null && typeof result.raw === 'string') {
        this.charge(result.raw.length / 64);
        // UTF-16 length never exceeds UTF-8 length: a cheap first test (printf "%s%s" $x $x doubles).
        if (result.raw.length > this.ctx.limits.maxOutputBytes / 3 && Buffer.byteLength(result.raw) > this.ctx.limits.maxOutputBytes) {
          this.at(node);
          this.errorf(`${name} returns a string over the output limit of ${this.ctx.limits.maxOutputBytes} bytes`);
        }
      }
      return result;
    } catch (err) {
      if (err instanceof GoError) {
        this.at(node);
        this.errorf(`error calling ${name}: ${err.message}`);
      }
      throw err;
    }
  }

  private validateType(value: Val, typ: GoType | null): Val {
    if (value === null) {
      if (typ === null) return null;
      if (typ === REFLECT_VALUE) return null;
      if (canBeNil(typ)) return zeroValue(typ);
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === null || typ === REFLECT_VALUE) return value;
    if (typ === T.any) return value.type.kind === 'interface' ? value.raw as Val : new Value(value.type, value.raw);
    if (!assignable(value.type, typ)) {
      if (value.type.kind === 'interface' && value.raw !== null) {
        const inner = value.raw as Value;
        if (assignable(inner.type, typ)) return inner;
      }
      if (value.type.kind === 'ptr' && assignable(value.type.elem!, typ)) {
        if (value.raw === null) this.errorf(`dereference of nil pointer of type ${typ.name}`);
        return new Value(value.type.elem!, (value.raw as Box).v, true);
      }
      if (value.addressable && assignable(value.type.pointer(), typ)) return new Value(value.type.pointer(), { v: value.raw });
      this.errorf(`wrong type for value; expected ${typ.name}; got ${value.type.name}`);
    }
    return value;
  }

  private evalArg(dot: Val, typ: GoType | null, n: Node): Val {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === REFLECT_VALUE) return null;
        if (typ !== null && canBeNil(typ)) return zeroValue(typ);
        this.errorf(`cannot assign nil to ${typ === null ? '<nil>' : typ.name}`);
      // falls through (errorf never returns)
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    if (typ === null || typ === REFLECT_VALUE || typ === T.any) return this.evalEmptyInterface(dot, n);
    const k = typ.kind;
    if (k === 'bool') {
      if (n.kind === 'bool') return new Value(typ, n.value);
      this.errorf(`expected bool; found ${nodeString(n)}`);
    }
    if (k === 'complex128') {
      if (n.kind === 'number' && n.isComplex) return new Value(typ, n.complex);
      this.errorf(`expected complex; found ${nodeString(n)}`);
    }
    if (isFloatKind(k)) {
      if (n.kind === 'number' && n.isFloat) return new Value(typ, n.float64);
      this.errorf(`expected float; found ${nodeString(n)}`);
    }
    if (isIntKind(k)) {
      if (n.kind === 'number' && n.isInt) return new Value(typ, wrapInt(n.int64, k));
      this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if (isUintKind(k)) {
      if (n.kind === 'number' && n.isUint) return new Value(typ, wrapInt(n.uint64, k));
      this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
    }
    if (k === 'string') {
      if (n.kind === 'string') return new Value(typ, n.text);
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ.name}`);
  }

  private evalEmptyInterface(dot: Val, n: Node): Val {
    this.at(n);
    switch (n.kind) {
      case 'bool':
        return new Value(T.bool, n.value);
      case 'dot':
        return dot;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return new Value(T.string, n.text);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(n: Node, v: Val): void {
    this.at(n);
    // Fast path: a plain string prints as itself.
    if (v !== null && v.type === T.string) {
      this.emit(v.raw as string);
      return;
    }
    const p = printableValue(v);
    if (p === undefined) this.errorf(`can't print ${nodeString(n)} of type ${v!.type.name}`);
    if (typeof p === 'string') {
      this.emit(p);
      return;
    }
    this.emit(sprint([p]));
  }
}

/** Characters of the string arguments of a call (what comparing or copying them costs). */
function stringChars(args: readonly Val[]): number {
  let n = 0;
  for (const a of args) {
    const v = indirectInterface(a);
    if (v !== null && typeof v.raw === 'string') n += v.raw.length;
  }
  return n;
}

/** Go's SetInt semantics: the value is truncated to the width of the target kind. */
function wrapInt(v: bigint, kind: string): number | bigint {
  const bits = { int8: 8, int16: 16, int32: 32, uint8: 8, uint16: 16, uint32: 32 }[kind];
  if (bits === undefined) return normInt(v);
  return normInt(kind.startsWith('u') ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v));
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Go's goodFunc: one result, or two with the second an error. */
function checkResults(name: string, results: readonly GoType[]): string | undefined {
  if (results.length === 1) return undefined;
  if (results.length === 2 && results[1] === T.error) return undefined;
  if (results.length === 2) return `invalid function signature for ${name}: second return value should be error; is ${results[1]!.name}`;
  return `function ${name} has ${results.length} return values; should be 1 or 2`;
}

/** Runs the tree `name` over `data`; throws TemplateError with Go's execution error text. */
export function executeTree(ctx: ExecContext, name: string, data: Val): string {
  const tree = ctx.trees.get(name);
  const state = new ExecState(ctx, name, data);
  if (tree === undefined) return state.errorf(`${quote(name)} is an incomplete or empty template`);
  state.walk(data, tree.root);
  return state.out;
}
