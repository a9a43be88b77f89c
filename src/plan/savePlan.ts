// Writes a saved plan (plan --out): atomically, so apply never reads half a file.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { MapsyncError } from '../errors.js';
import type { Plan } from '../model.js';
import { serializePlan } from './render/json.js';

export async function savePlan(path: string, plan: Plan): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, serializePlan(plan));
  } catch (err) {
    throw new MapsyncError(`cannot write the plan to ${path}: ${(err as Error).message}`);
  }
}
