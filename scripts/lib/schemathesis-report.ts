import { readFileSync } from 'node:fs';

/** One test case of a finished scenario in Schemathesis' NDJSON event stream (the fields Folio reads). */
export interface ReportedCase {
  value: { method: string; path: string };
  transition?: { id: string };
  is_transition_applied?: boolean;
}

export interface FinishedScenario {
  phase: string;
  recorder: {
    cases?: Record<string, ReportedCase>;
    interactions?: Record<string, { response?: { status_code: number } | null }>;
  } | null;
}

/** Every ScenarioFinished event of an NDJSON report, in order. */
export function* finishedScenarios(file: string): Generator<FinishedScenario> {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.includes('"ScenarioFinished"')) yield (JSON.parse(line) as { ScenarioFinished: FinishedScenario }).ScenarioFinished;
  }
}
