// Runs a TensorFlow.js graph model on raw RGB frames with TensorFlow.js's pure-JS CPU backend and writes every
// output of every frame as an NHWC float32 little-endian file, plus <name>.manifest.json listing them (the layout
// `bin/cbinfer infer` writes too). These files are the references CBinfer's engine is tested against.
//
//   node golden.mjs --model DIR/posenet.json --frames F.rgb --width 385 --height 385 --scale pm1 --out DIR --name posenet
//
// --scale: pm1 = x/127.5-1, unit = x/255, raw = x; computed as TensorFlow.js ops in float32, which round like the
// engine's own float arithmetic. Called by make-golden (beside it), which also makes the frames.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { endianness } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument: ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['model', 'frames', 'width', 'height', 'scale', 'out', 'name']) {
    if (!(k in args)) throw new Error(`missing --${k}`);
  }
  return args;
}

// A graph model from model.json and its weight shards (concatenated in manifest order), without fetch or tfjs-node.
function fileHandler(modelPath) {
  const json = JSON.parse(readFileSync(modelPath, 'utf8'));
  return {
    load: async () => {
      const shards = json.weightsManifest.flatMap((group) => group.paths)
        .map((p) => readFileSync(join(dirname(modelPath), p)));
      const weights = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
}

function scaled(pixels, scale) {
  switch (scale) {
    case 'pm1': return tf.sub(tf.div(pixels, 127.5), 1);
    case 'unit': return tf.div(pixels, 255);
    case 'raw': return pixels.clone();
    default: throw new Error(`unknown --scale ${scale} (pm1, unit or raw)`);
  }
}

const fileSafe = (name) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

async function main() {
  if (endianness() !== 'LE') throw new Error('the files are little-endian float32: run this on a little-endian machine');
  const a = parseArgs(process.argv.slice(2));
  const width = Number(a.width), height = Number(a.height), frameBytes = width * height * 3;
  await tf.setBackend('cpu');
  const model = await loadGraphModel(fileHandler(a.model));
  // outputs in the order the graph defines their nodes (as the engine lists them), not the signature's order
  const nodeOrder = new Map(JSON.parse(readFileSync(a.model, 'utf8')).modelTopology.node.map((n, i) => [n.name, i]));
  const outputNames = model.outputNodes.map((n) => n.replace(/:0$/, ''))
    .sort((x, y) => nodeOrder.get(x) - nodeOrder.get(y));
  const rgb = readFileSync(a.frames);
  if (rgb.length === 0 || rgb.length % frameBytes !== 0) {
    throw new Error(`${a.frames}: ${rgb.length} bytes is not a whole number of ${width}x${height} RGB frames`);
  }
  mkdirSync(a.out, { recursive: true });
  const frames = [];
  for (let index = 0; index < rgb.length / frameBytes; index++) {
    const outputs = tf.tidy(() => {
      const pixels = tf.tensor4d(new Float32Array(rgb.subarray(index * frameBytes, (index + 1) * frameBytes)),
        [1, height, width, 3], 'float32');
      const result = model.execute(scaled(pixels, a.scale), outputNames);
      return Array.isArray(result) ? result : [result];
    });
    const listed = [];
    for (let k = 0; k < outputs.length; k++) {
      const name = outputNames[k];
      const file = `${a.name}.f${String(index).padStart(3, '0')}.${fileSafe(name)}.f32`;
      const values = outputs[k].dataSync();
      writeFileSync(join(a.out, file), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
      listed.push({ name, shape: outputs[k].shape, file });
      outputs[k].dispose();
    }
    frames.push({ index, outputs: listed });
    console.log(`${a.name}: frame ${index}: ${listed.map((o) => `${o.name} [${o.shape}]`).join(', ')}`);
  }
  const manifest = { model: basename(a.model), width, height, scale: a.scale, layout: 'NHWC', dtype: 'float32-le', frames };
  writeFileSync(join(a.out, `${a.name}.manifest.json`), JSON.stringify(manifest, null, 1));
}

main().catch((e) => {
  console.error(`golden.mjs: ${e.stack || e}`);
  process.exit(1);
});
