// cluster/template.ts: fills `{{NAME}}` placeholders in a job template. Strict both ways: a
// placeholder without a value and a value without a placeholder are both errors, so a template
// and the code that fills it cannot drift apart silently. Knows nothing of schedulers.

import { readFileSync } from 'node:fs';
import { TemplateError } from './errors.js';

const kPlaceholder = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** The directory holding the shipped templates (scripts/templates/ in the package). */
const kTemplateDir = new URL('../../scripts/templates/', import.meta.url);

/** Reads a template shipped with graft by file name. */
export function loadTemplate(fileName: string): string {
  return readFileSync(new URL(fileName, kTemplateDir), 'utf8');
}

/** Replaces every `{{NAME}}` with values[NAME]; `name` is the template's, for error messages. */
export function fillTemplate(name: string, text: string, values: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const filled = text.replace(kPlaceholder, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    used.add(key);
    return value;
  });
  if (missing.size > 0) {
    throw new TemplateError(`template ${name} has placeholders with no value: ${[...missing].join(', ')}`, {
      details: { template: name, missing: [...missing] },
    });
  }
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) {
    throw new TemplateError(`template ${name} has no placeholder for: ${unused.join(', ')}`, {
      details: { template: name, unused },
    });
  }
  return filled;
}
