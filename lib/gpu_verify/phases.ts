/**
 * The phases of `gpu-verify`, in order: 0–6 for the tfjs path and the kernel pack, then
 * {@linkcode ENGINE_PHASES} for the compiled WebGPU engine of `lib/engine/`.
 *
 * @module
 */
import { accuracyPhase } from "./phase_accuracy.ts";
import { adapterPhase } from "./phase_adapter.ts";
import { countersPhase } from "./phase_counters.ts";
import { datasetPhase } from "./phase_dataset.ts";
import { engineAccuracyPhase, enginePhase } from "./phase_engine.ts";
import { parityPhase } from "./phase_parity.ts";
import { speedPhase } from "./phase_speed.ts";
import { testsPhase } from "./phase_tests.ts";
import type { PhaseSpec } from "./types.ts";

/**
 * The compiled engine's phases (parity against the tfjs path at batch 64 and 1024, counters,
 * speed, accuracy), numbered from 7.
 */
export const ENGINE_PHASES: readonly PhaseSpec[] = [
  { id: 7, name: "compiled engine: parity, speed, counters", run: enginePhase },
  { id: 8, name: "compiled engine: accuracy", run: engineAccuracyPhase },
];

/** Every phase: 0–6 as the issue lists them, then the engine's. */
export const GPU_VERIFY_PHASES: readonly PhaseSpec[] = [
  { id: 0, name: "adapter, limits and error capture", run: adapterPhase },
  { id: 1, name: "WebGPU test files", run: testsPhase },
  { id: 2, name: "kernel parity at real shapes", run: parityPhase },
  { id: 3, name: "full dataset on the device", run: datasetPhase },
  { id: 4, name: "counters over training steps", run: countersPhase },
  { id: 5, name: "speed", run: speedPhase },
  { id: 6, name: "accuracy", run: accuracyPhase },
  ...ENGINE_PHASES,
];
