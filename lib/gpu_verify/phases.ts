/**
 * The phases of `gpu-verify`, ordered by the value of what they bring back, so that a run
 * cut by its time limit has the figures that matter most: the adapter (0), then the compiled
 * WebGPU engine of `lib/engine/` (1–4: parity and speed, seed recipes, PyTorch beside it,
 * per-kernel GPU times), then the tfjs path, stock tfjs on WebGPU (5–9).
 *
 * @module
 */
import { accuracyPhase } from "./phase_accuracy.ts";
import { adapterPhase } from "./phase_adapter.ts";
import { countersPhase } from "./phase_counters.ts";
import { datasetPhase } from "./phase_dataset.ts";
import { enginePhase } from "./phase_engine.ts";
import { engineRecipePhase } from "./phase_engine_recipe.ts";
import { kernelTimesPhase } from "./phase_kernel_times.ts";
import { speedPhase } from "./phase_speed.ts";
import { testsPhase } from "./phase_tests.ts";
import { torchPhase } from "./phase_torch.ts";
import type { PhaseSpec } from "./types.ts";

/** The compiled engine's phases, numbered from 1. */
export const ENGINE_PHASES: readonly PhaseSpec[] = [
  {
    id: 1,
    name: "compiled engine: parity and whole-epoch speed, 4 architectures × batch 64, 1024",
    run: enginePhase,
    minSeconds: 20,
  },
  { id: 2, name: "compiled engine: seed recipes", run: engineRecipePhase, minSeconds: 20 },
  { id: 3, name: "PyTorch beside the compiled engine", run: torchPhase, minSeconds: 30 },
  {
    id: 4,
    name: "compiled engine: GPU time per kernel (timestamp-query)",
    run: kernelTimesPhase,
    minSeconds: 15,
  },
];

/** The tfjs path's phases, numbered from 5. */
export const TFJS_PHASES: readonly PhaseSpec[] = [
  { id: 5, name: "WebGPU test files", run: testsPhase, minSeconds: 45 },
  { id: 6, name: "full dataset on the device", run: datasetPhase, minSeconds: 10 },
  { id: 7, name: "counters over training steps", run: countersPhase, minSeconds: 20 },
  { id: 8, name: "speed", run: speedPhase, minSeconds: 60 },
  { id: 9, name: "accuracy", run: accuracyPhase, minSeconds: 60 },
];

/** Every phase, in the order a run takes them. */
export const GPU_VERIFY_PHASES: readonly PhaseSpec[] = [
  { id: 0, name: "adapter, limits and error capture", run: adapterPhase, minSeconds: 0 },
  ...ENGINE_PHASES,
  ...TFJS_PHASES,
];
