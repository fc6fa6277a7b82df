export { buildFewshotContext, type FewshotRandom } from '../../instances/fewshot.ts';
export { compileTemplate, MissingTemplateVariable } from './jinja.ts';
export { loadTaskYamls, type TaskIndex, type TaskIndexEntry } from './task-index.ts';
export type { TaskLoadOptions, TaskWarning, YamlGroupDefinition, YamlTaskDefinition } from './types.ts';
