/**
 * Reading a storyboard someone else wrote: the format and version are checked
 * first (a newer version is refused with what to do, an older one would be
 * upgraded here), then the whole document against storyboard.schema.json.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './storyboard.schema.json';
import { STORYBOARD_FORMAT, STORYBOARD_VERSION, type Storyboard } from './contract';

export class StoryboardError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'StoryboardError';
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)) });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Schema errors of a document, as "path: message" lines (empty when it is valid). */
export function schemaErrors(doc: unknown): string[] {
  const validate = validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

/** Parses and checks a storyboard (JSON text or an already parsed value). */
export function readStoryboard(input: string | unknown): Storyboard {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new StoryboardError(`The storyboard is not valid JSON: ${(e as Error).message}`, 'Write it again with `nemocog storyboard <workspace> --out file.json`.');
    }
  }
  const obj = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  if (!obj || obj.format !== STORYBOARD_FORMAT) {
    throw new StoryboardError('This file is not a NemoCognition storyboard (its "format" is not "nemocognition.storyboard").', 'Pass a file written by `nemocog storyboard`.');
  }
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new StoryboardError(`The storyboard has no valid version (${JSON.stringify(version)}).`, 'Write it again with `nemocog storyboard`.');
  }
  if (version > STORYBOARD_VERSION) {
    throw new StoryboardError(
      `The storyboard is version ${version}, written by a newer NemoCognition; this one reads up to version ${STORYBOARD_VERSION}.`,
      'Update NemoCognition, or write the storyboard again with this version (`nemocog storyboard`).',
    );
  }
  // Version 1 is the first: older versions would be upgraded here, one step at a time.
  const errors = schemaErrors(obj);
  if (errors.length) {
    throw new StoryboardError(`The storyboard does not match its schema: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}.`, 'Write it again with `nemocog storyboard`.');
  }
  return obj as unknown as Storyboard;
}
