/**
 * Text that reaches `_data` and the published pages names no folder of the machine that built
 * it: the project folder becomes relative paths, the home folder `~`. (Messages on the
 * terminal keep absolute paths; a reader of the site has no use for them, and they would make
 * two builds of the same study in different folders write different `_data`.)
 */
import { homedir } from 'node:os';
import { sep } from 'node:path';

/** `folder` as a whole path: not the start of a longer name (/tmp/x in /tmp/x2). */
function folderPattern(folder: string): RegExp {
  const escaped = folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped + String.raw`(?![\w-]|\.[\w-])`, 'g');
}

/**
 * `roots`: the folders paths are shown relative to (the project, and the configuration's folder
 * where a config kept beside its data lives outside it); the longest is taken first.
 */
export function withoutMachinePaths(text: string, roots: string | readonly string[]): string {
  let out = text;
  for (const root of [...new Set(typeof roots === 'string' ? [roots] : roots)].sort((a, b) => b.length - a.length)) {
    out = out.split(root + sep).join('').replace(folderPattern(root), '.');
  }
  const home = homedir();
  if (home.length > 1) out = out.split(home + sep).join('~' + sep).replace(folderPattern(home), '~');
  return out;
}
