/**
 * The second pass of the fast `Conv2DBackpropFilter`: sums the partial filter gradients
 * of the splits. On a GPU `reduceLanes` threads share each output and finish with a tree
 * in workgroup memory; on llvmpipe one thread per output loops (barriers are costly there).
 *
 * @module
 */
import type { ProgramUniform, WebGpuProgram } from "./_backend_internals.ts";
import type { FilterGradPlan } from "./_filter_grad_plan.ts";

/** Pass 2: sums the partial gradients over the splits into the filter shape. */
export class FilterGradReduceProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ["partial"];
  outputComponent = 4;
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  uniforms = "splits : i32,";
  /** The values of `uniforms`, for `runWebGPUProgram`. */
  readonly uniformData: ProgramUniform[];
  private readonly outVec4s: number;

  constructor(readonly plan: FilterGradPlan) {
    this.outputShape = [plan.filterHeight, plan.filterWidth, plan.inChannels, plan.outChannels];
    this.outVec4s = this.outputShape.reduce((a, b) => a * b) / 4;
    this.workgroupSize = [plan.workgroupSize, 1, 1];
    this.dispatch = [Math.ceil((this.outVec4s * plan.reduceLanes) / plan.workgroupSize), 1, 1];
    this.uniformData = [{ type: "int32", data: [plan.splits] }];
    this.shaderKey =
      `fastFilterGradReduce_${this.outVec4s}_${plan.reduceLanes}_${plan.workgroupSize}`;
  }

  getUserCode(): string {
    const { reduceLanes: g, workgroupSize } = this.plan;
    const o4 = this.outVec4s;
    if (g === 1) {
      return `
fn main(o: i32) {
  if (o >= ${o4}) { return; }
  var acc = vec4<f32>(0.0);
  for (var s = 0; s < uniforms.splits; s++) { acc = acc + partial[s * ${o4} + o]; }
  result[o] = acc;
}`;
    }
    const tree: string[] = [];
    for (let half = g / 2; half >= 1; half /= 2) {
      tree.push(`workgroupBarrier();
  if (lane < ${half}) { red[li] = red[li] + red[li + ${half}]; }`);
    }
    return `
var<workgroup> red: array<vec4<f32>, ${workgroupSize}>;
fn main(index: i32) {
  let o = index / ${g};
  let lane = index % ${g};
  let li = i32(localIndex);
  var acc = vec4<f32>(0.0);
  if (o < ${o4}) {
    for (var s = lane; s < uniforms.splits; s += ${g}) { acc = acc + partial[s * ${o4} + o]; }
  }
  red[li] = acc;
  ${tree.join("\n  ")}
  if (lane == 0 && o < ${o4}) { result[o] = red[li]; }
}`;
  }
}
