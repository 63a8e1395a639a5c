export { parseTemplate, Template } from './template.js';
export { TemplateError } from './parse.js';
export { DEFAULT_RENDER_LIMITS, type FuncMap, type RenderLimits, type TemplateFunc } from './exec.js';
export { eventToGoValue, kubeEventerTemplateData } from './event.js';
export { Value, GoError, GoType, T, type Val } from './values.js';
export { sprint, sprintf, sprintln } from './fmt.js';
export { extraFuncs } from './extra-funcs.js';
export { marshalJSON, jsonEscape } from './json.js';
export { goBytes, hasRawBytes } from './utf8.js';
