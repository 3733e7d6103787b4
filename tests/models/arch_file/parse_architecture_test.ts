import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { parseArchitecture } from "../../../lib/models/arch_file/parse_architecture.ts";
import {
  MAX_ARCH_FILE_BYTES,
  readArchitectureFile,
} from "../../../lib/models/arch_file/read_arch_file.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { ArchitectureError } from "../../../lib/errors.ts";
import { useCpu } from "../../_synthetic.ts";
import { KINDS } from "./_kinds.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
const LENET = JSON.parse(await Deno.readTextFile(`${ROOT}examples/lenet5.keras.json`));

Deno.test("parseArchitecture() reads the shipped LeNet-5 Keras file: 61,706 parameters", async () => {
  const arch = await readArchitectureFile(`${ROOT}examples/lenet5.keras.json`);
  assert.equal(arch.name, "lenet5");
  assert.equal(arch.expectedParams, 156 + 2416 + 48_120 + 10_164 + 850);
  assert.equal(arch.recipe, undefined, "a user architecture has no seed recipe");
  assert.deepEqual(arch.layers.map((l) => l.type), [
    "conv2d",
    "avgPool",
    "conv2d",
    "avgPool",
    "flatten",
    "dense",
    "dense",
    "dense",
  ]);
  assert.deepEqual(arch.layers[0], {
    type: "conv2d",
    filters: 6,
    kernelSize: 5,
    strides: 1,
    padding: "same",
    useBias: true,
    activation: "tanh",
  });
});

Deno.test("parseArchitecture() reads what tfjs saves (model.json and its modelTopology), every kind", async () => {
  await useCpu();
  const model = buildModel(KINDS, { seed: 1 });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    saved = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  model.dispose();
  const modelJson = { modelTopology: saved!.modelTopology, weightsManifest: [] };
  for (const input of [saved!.modelTopology, modelJson, JSON.stringify(modelJson)]) {
    const arch = parseArchitecture(input, { name: "kinds" });
    assert.equal(arch.expectedParams, KINDS.expectedParams);
    const again = buildModel(arch);
    assert.equal(again.countParams(), KINDS.expectedParams);
    assert.deepEqual(again.outputs[0]!.shape, [null, 10]);
    again.dispose();
  }
});

Deno.test("parseArchitecture() reads Keras 3's batch_shape and dtype policies, and [null,28,28] before a Flatten", () => {
  const policy = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" } };
  const arch = parseArchitecture({
    class_name: "Sequential",
    config: {
      name: "k3",
      layers: [
        {
          class_name: "InputLayer",
          config: { batch_shape: [null, 28, 28], dtype: "float32", name: "in" },
        },
        { class_name: "Flatten", config: { name: "f", dtype: policy } },
        {
          class_name: "Dense",
          config: { name: "d", units: 10, activation: "softmax", dtype: policy },
        },
      ],
    },
  });
  assert.equal(arch.name, "k3");
  assert.equal(arch.expectedParams, 7850);
});

type Edit = (layers: { class_name: string; config: Record<string, unknown> }[]) => void;

Deno.test("parseArchitecture() refuses with one line naming the layer and the field", async (t) => {
  const cases: [string, Edit, RegExp][] = [
    [
      "unknown class",
      (l) => void (l[3]!.class_name = "LSTM"),
      /^layer 3 "conv2d_1" \(LSTM\): "class_name" must be one of InputLayer, Conv2D/,
    ],
    [
      "activation",
      (l) => void (l[1]!.config.activation = "selu"),
      /^layer 1 "conv2d" \(Conv2D\): "activation" must be one of linear, relu, tanh/,
    ],
    [
      "strides",
      (l) => void (l[3]!.config.strides = [0, 1]),
      /^layer 3 "conv2d_1" \(Conv2D\): "strides" must be an integer or a pair/,
    ],
    [
      "missing filters",
      (l) => void delete l[3]!.config.filters,
      /^layer 3 "conv2d_1" \(Conv2D\): "filters" is missing/,
    ],
    [
      "dilation",
      (l) => void (l[1]!.config.dilation_rate = [2, 2]),
      /^layer 1 "conv2d" \(Conv2D\): "dilation_rate" \[2,2\] is not supported/,
    ],
    [
      "regularizer",
      (l) => void (l[6]!.config.kernel_regularizer = { class_name: "L2" }),
      /^layer 6 "dense" \(Dense\): "kernel_regularizer"/,
    ],
    [
      "frozen",
      (l) => void (l[7]!.config.trainable = false),
      /^layer 7 "dense_1" \(Dense\): "trainable" false/,
    ],
    [
      "channels first",
      (l) => void (l[2]!.config.data_format = "channels_first"),
      /^layer 2 "average_pooling2d" \(AveragePooling2D\): "data_format"/,
    ],
    [
      "padding",
      (l) => void (l[2]!.config.padding = "causal"),
      /^layer 2 "average_pooling2d" \(AveragePooling2D\): "padding" must be one of valid, same/,
    ],
    [
      "kernel too big",
      (l) => void (l[3]!.config.kernel_size = [20, 20]),
      /^layer 3 "conv2d_1" \(Conv2D\): "kernel_size" does not fit its 14×14 input/,
    ],
    [
      "softmax inside",
      (l) => void (l[6]!.config.activation = "softmax"),
      /^layer 6 "dense" \(Dense\): "activation" softmax is allowed on the last layer only/,
    ],
    [
      "no softmax",
      (l) => void (l[8]!.config.activation = "relu"),
      /^layer 8 "dense_2" \(Dense\): "activation" must be softmax on the last layer/,
    ],
    [
      "3 outputs",
      (l) => void (l[8]!.config.units = 3),
      /^layer 8 "dense_2" \(Dense\): the output has 3 values; MNIST needs 10/,
    ],
    [
      "dense on an image",
      (l) => void l.splice(5, 1),
      /^layer 5 "dense" \(Dense\): "class_name" needs a flat input/,
    ],
    [
      "input shape",
      (l) => void (l[0]!.config.batch_input_shape = [null, 32, 32, 3]),
      /^layer 0 "conv2d_input" \(InputLayer\): "batch_input_shape" is \[null,32,32,3\]/,
    ],
    [
      "no input shape",
      (l) => void (l.splice(0, 1), delete l[0]!.config.batch_input_shape),
      /^layer 0: "batch_input_shape" is missing/,
    ],
    [
      "rate",
      (l) => void l.splice(5, 0, { class_name: "Dropout", config: { name: "drop", rate: 1.5 } }),
      /^layer 5 "drop" \(Dropout\): "rate" must be a number in \[0, 1\)/,
    ],
    [
      "batchnorm axis",
      (l) =>
        void l.splice(2, 0, { class_name: "BatchNormalization", config: { name: "bn", axis: 1 } }),
      /^layer 2 "bn" \(BatchNormalization\): "axis" 1 is not supported/,
    ],
    [
      "batchnorm axis 3 on a flat input",
      (l) =>
        void l.splice(6, 0, {
          class_name: "BatchNormalization",
          config: { name: "bn", axis: [3] },
        }),
      /^layer 6 "bn" \(BatchNormalization\): "axis" \[3\] is not supported \(only -1 or 1 or \[-1\] or \[1\]\)/,
    ],
    [
      "too many parameters",
      (l) => void (l[6]!.config.units = 60_000),
      /parameters, more than the cap of 20,000,000/,
    ],
    [
      "too many layers",
      (l) =>
        void l.splice(
          5,
          0,
          ...Array.from({ length: 70 }, () => ({ class_name: "Dropout", config: { rate: 0 } })),
        ),
      /"config.layers" must be a list of 1 to 64 layers/,
    ],
  ];
  for (const [name, edit, message] of cases) {
    await t.step(name, () => {
      const json = structuredClone(LENET);
      edit(json.config.layers);
      assert.throws(() => parseArchitecture(json), (e: Error) => {
        assert.ok(e instanceof ArchitectureError, String(e));
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
    });
  }
});

Deno.test("parseArchitecture() refuses what is not a Sequential model JSON", () => {
  assert.throws(() => parseArchitecture("{oops"), /^ArchitectureError: not valid JSON/);
  assert.throws(
    () => parseArchitecture({ ...LENET, class_name: "Functional" }),
    /"class_name" is "Functional"; only Sequential/,
  );
  assert.throws(() => parseArchitecture({ weightsManifest: [] }), /"class_name" is missing/);
  assert.throws(() => parseArchitecture(" ".repeat(1_000_001)), /more than the cap of 1000000/);
  assert.throws(() => parseArchitecture(LENET, { name: "../evil" }), /"name" must be 1–64 letters/);
});

Deno.test("readArchitectureFile() names the file in every error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      readArchitectureFile(`${dir}/none.json`),
      /^ArchitectureError: .*none\.json: cannot read it/,
    );
    await Deno.writeFile(`${dir}/big.json`, new Uint8Array(MAX_ARCH_FILE_BYTES + 1));
    await assert.rejects(readArchitectureFile(`${dir}/big.json`), /big\.json: larger than the cap/);
    await Deno.writeFile(`${dir}/latin1.json`, new Uint8Array([0x7b, 0xe9, 0x7d]));
    await assert.rejects(
      readArchitectureFile(`${dir}/latin1.json`),
      /latin1\.json: not UTF-8 text/,
    );
    const bad = structuredClone(LENET);
    bad.config.layers[1].config.activation = "gelu";
    await Deno.writeTextFile(`${dir}/my net.json`, JSON.stringify(bad));
    await assert.rejects(
      readArchitectureFile(`${dir}/my net.json`),
      (e: Error) =>
        e instanceof ArchitectureError &&
        e.message.startsWith(`${dir}/my net.json: layer 1 "conv2d" (Conv2D): "activation"`),
    );
    bad.config.layers[1].config.activation = "relu";
    await Deno.writeTextFile(`${dir}/my net.json`, JSON.stringify(bad));
    assert.equal((await readArchitectureFile(`${dir}/my net.json`)).name, "my-net");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
