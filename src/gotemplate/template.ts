// Public face of the engine: parse once, execute many times.
import { DEFAULT_RENDER_LIMITS, executeTree, type ExecContext, type FuncMap, type RenderLimits } from './exec.js';
import { builtins } from './funcs.js';
import { parseTrees, type TreeSet } from './parse.js';
import type { Val } from './values.js';

export class Template {
  private readonly ctx: ExecContext;

  constructor(
    readonly name: string,
    text: string,
    trees: TreeSet,
    funcs: FuncMap,
    limits: RenderLimits,
  ) {
    this.ctx = { text, parseName: name, trees, funcs, builtins, limits };
  }

  /** Renders the template over `data` (a Go value). Throws TemplateError with Go's text. */
  execute(data: Val): string {
    return executeTree(this.ctx, this.name, data);
  }
}

/**
 * Parses `text` as template `name` (Go's template.New(name).Funcs(funcs).Parse(text)).
 * Throws TemplateError with Go's message, e.g. `template: body:1: unexpected "}" in operand`.
 * Execution stops with a TemplateError past `limits` (steps, output bytes).
 */
export function parseTemplate(name: string, text: string, funcs: FuncMap = {}, limits: RenderLimits = DEFAULT_RENDER_LIMITS): Template {
  const trees = parseTrees(name, text, (fn) => Object.hasOwn(funcs, fn) || Object.hasOwn(builtins, fn));
  return new Template(name, text, trees, funcs, limits);
}
