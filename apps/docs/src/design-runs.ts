import { computed, ref } from 'vue';
import type { FinishedTraining } from './finished-training';
import { type SessionRun, sessionRun } from './session-runs';

// Module state, not the component's: the runs outlive the design page's component while the
// reader visits other pages of the site, and go with a reload.
const runs = ref<SessionRun[]>([]);
let nextId = 1;

/** The runs trained on the design page during this visit of the site, oldest first. */
export const designRuns = computed(() => runs.value);

/** Keeps a finished training (one without an evaluated epoch has nothing to compare). */
export function keepDesignRun(finished: FinishedTraining): void {
  const run = sessionRun(finished, nextId, runs.value);
  if (run === undefined) return;
  nextId += 1;
  runs.value = [...runs.value, run];
}

export function removeDesignRun(id: number): void {
  runs.value = runs.value.filter((run) => run.id !== id);
}
