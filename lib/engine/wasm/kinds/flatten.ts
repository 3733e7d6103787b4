/**
 * The flatten kind: no op, its output is its input's memory (the plan's `aliasOf`).
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { type LayerKind, NO_SCRATCH } from "./_kind.ts";

type Flatten = Extract<PlanLayer, { kind: "flatten" }>;

/** The flatten kind. */
export const flatten: LayerKind<Flatten> = {
  scratch: () => NO_SCRATCH,
  ops: () => ({ forward: [], backward: [], infer: [] }),
};
