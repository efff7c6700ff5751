/**
 * Writes pipeline/contract-schemas.json: the JSON Schema of every `_data` file's type, generated
 * from the types in pipeline/contracts/ by ts-json-schema-generator (the types stay the one place the
 * contract is written; the schema follows them). The runner checks each `_data` file against it
 * before writing. Run: npx tsx scripts/contract-schemas.ts   (test/contracts.test.ts fails when
 * it is out of date)
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { DATA_FILE_TYPES } from '../pipeline/contracts.ts';

export async function contractSchemas(): Promise<Record<string, unknown>> {
  const generator = createGenerator({
    // The types live in pipeline/contracts/ (re-exported by pipeline/contracts.ts).
    path: fileURLToPath(new URL('../pipeline/contracts/*.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    skipTypeCheck: true,
    additionalProperties: false,
    encodeRefs: false,
  });
  const out: Record<string, unknown> = {};
  for (const type of [...new Set(Object.values(DATA_FILE_TYPES))].sort()) out[type] = generator.createSchema(type);
  return out;
}

export const schemasFile = fileURLToPath(new URL('../pipeline/contract-schemas.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(schemasFile, JSON.stringify(await contractSchemas(), null, 1) + '\n');
}
