/** detectable_content:* and detectable_format:* instructions: markers, lists, sections, JSON, titles. */
import { compilePythonRegex, pythonFindall } from '../../python/regex.ts';
import { pythonStripChars } from '../../python/str-methods.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import type { InstructionBuilder } from './args.ts';
import { parsePythonJson } from './python-json.ts';

const PLACEHOLDER = compilePythonRegex('\\[.*?\\]');

const numberPlaceholders: InstructionBuilder = (args) => {
  const minimum = args.count('num_placeholders');
  return (response) => pythonFindall(PLACEHOLDER, response).length >= minimum;
};

/** A line (after any whitespace, blank lines included) starting with the marker, any case. */
const postscript: InstructionBuilder = (args) => {
  const marker = args.text('postscript_marker', { strip: true });
  const pattern =
    marker === 'P.P.S'
      ? '\\s*p\\.\\s?p\\.\\s?s.*$'
      : marker === 'P.S.'
        ? '\\s*p\\.\\s?s\\..*$'
        : `\\s*${marker.toLowerCase()}.*$`;
  const regex = compilePythonRegex(`(?m)${pattern}`, `${args.instructionId} kwargs`);
  return (response) => regex.test(response.toLowerCase());
};

const STAR_BULLET = compilePythonRegex('(?m)^\\s*\\*[^\\*].*$');
const DASH_BULLET = compilePythonRegex('(?m)^\\s*-.*$');

/** Exactly that many lines starting with "* " or "-" (a leading "\s*" may swallow blank lines). */
const numberBulletLists: InstructionBuilder = (args) => {
  const expected = args.count('num_bullets');
  return (response) =>
    pythonFindall(STAR_BULLET, response).length + pythonFindall(DASH_BULLET, response).length === expected;
};

const CONSTRAINED_OPTIONS = ['My answer is yes.', 'My answer is no.', 'My answer is maybe.'];

const constrainedResponse: InstructionBuilder = () => (response) => {
  const stripped = pythonStrip(response);
  return CONSTRAINED_OPTIONS.some((option) => stripped.includes(option));
};

const SINGLE_HIGHLIGHT = compilePythonRegex('\\*[^\\n\\*]*\\*');
const DOUBLE_HIGHLIGHT = compilePythonRegex('\\*\\*[^\\n\\*]*\\*\\*');

/** *text* and **text** spans with something inside; a bold span counts once for each pattern that finds it. */
const numberHighlightedSections: InstructionBuilder = (args) => {
  const minimum = args.count('num_highlights');
  return (response) => {
    let highlights = 0;
    for (const span of pythonFindall(SINGLE_HIGHLIGHT, response) as string[])
      if (pythonStrip(pythonStripChars(span, '*', 'both'))) highlights++;
    for (const span of pythonFindall(DOUBLE_HIGHLIGHT, response) as string[])
      if (pythonStrip(span.slice(2, -2))) highlights++;
    return highlights >= minimum;
  };
};

/** At least that many "<splitter> <number>" headers (the splitter is a pattern in the reference). */
const multipleSections: InstructionBuilder = (args) => {
  const splitter = args.text('section_spliter', { strip: true });
  const minimum = args.count('num_sections');
  const header = compilePythonRegex(`\\s?${splitter}\\s?\\d+\\s?`, `${args.instructionId} kwargs`);
  return (response) => pythonFindall(header, response).length >= minimum;
};

const JSON_FENCE_OPENINGS = ['```json', '```Json', '```JSON', '```'];

/** The whole response is one JSON value, optionally inside a ``` fence. */
const jsonFormat: InstructionBuilder = () => (response) => {
  let text = pythonStrip(response);
  for (const opening of JSON_FENCE_OPENINGS) if (text.startsWith(opening)) text = text.slice(opening.length);
  if (text.endsWith('```')) text = text.slice(0, -3);
  return parsePythonJson(pythonStrip(text));
};

const TITLE = compilePythonRegex('<<[^\\n]+>>');

const title: InstructionBuilder = () => (response) =>
  (pythonFindall(TITLE, response) as string[]).some((found) =>
    pythonStrip(pythonStripChars(pythonStripChars(found, '<', 'left'), '>', 'right')),
  );

export const formatInstructions: Readonly<Record<string, InstructionBuilder>> = {
  'detectable_content:number_placeholders': numberPlaceholders,
  'detectable_content:postscript': postscript,
  'detectable_format:number_bullet_lists': numberBulletLists,
  'detectable_format:constrained_response': constrainedResponse,
  'detectable_format:number_highlighted_sections': numberHighlightedSections,
  'detectable_format:multiple_sections': multipleSections,
  'detectable_format:json_format': jsonFormat,
  'detectable_format:title': title,
};
