// Writes a saved plan (plan --out): atomically, so apply never reads half a file.
import type { Plan } from '../model.js';
import { writeOutputFile } from '../outputFile.js';
import { serializePlan } from './render/json.js';

export async function savePlan(path: string, plan: Plan): Promise<void> {
  await writeOutputFile(path, serializePlan(plan), 'the plan');
}
