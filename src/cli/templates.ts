/** Template files of the command: one file, or the *.template.json of a cdk.out directory. */
import * as fs from 'fs';
import * as path from 'path';
import { cloudAssemblyTemplateLoader, mergeNestedTemplates } from '../simulate/nested-templates';
import { parseTemplateText } from '../simulate/template-text';

/** Bad command-line input: exit 2 with this message. */
export class UsageError extends Error {}

/** A template as read from disk. */
export interface TemplateFile {
  readonly file: string;
  readonly template: { [key: string]: any };
}

/**
 * The templates a path names: the file itself, or the templates of a cdk.out directory (its
 * *.template.json and those of nested stage assemblies, assembly-*). Nested stacks are merged into their
 * parent template here, before the simulator sees them, from the directory of the template (so a single
 * template file inside a cdk.out gets its nested stacks too).
 */
export function loadTemplates(target: string): TemplateFile[] {
  const files = templateFiles(target);
  const stacks = files.filter((file) => !file.endsWith('.nested.template.json'));
  return (stacks.length > 0 ? stacks : files).map((file) => ({
    file,
    template: mergeNestedTemplates(readTemplate(file), cloudAssemblyTemplateLoader(path.dirname(file))),
  }));
}

function readTemplate(file: string): { [key: string]: any } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseTemplateText(text);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

function templateFiles(target: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`cannot read ${target}: ENOENT (no such file or directory)`);
  }
  if (!stat.isDirectory()) return [target];
  const files: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const f of fs.readdirSync(d).sort()) {
      const full = path.join(d, f);
      if (f.endsWith('.template.json')) files.push(full);
      else if (depth < 3 && f.startsWith('assembly-') && fs.statSync(full).isDirectory()) walk(full, depth + 1);
    }
  };
  walk(target, 0);
  if (files.length === 0) throw new UsageError(`${target} holds no *.template.json file (is it a cdk.out directory?)`);
  return files;
}
