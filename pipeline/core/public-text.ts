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

export function withoutMachinePaths(text: string, root: string): string {
  let out = text.split(root + sep).join('').replace(folderPattern(root), '.');
  const home = homedir();
  if (home.length > 1) out = out.split(home + sep).join('~' + sep).replace(folderPattern(home), '~');
  return out;
}
