// Reference poses for PoseNetReferenceTest, from TensorFlow.js PoseNet's own decoder (an independent oracle;
// the Java decoder is not derived from it). Usage, from the project root:
//   npm pack @tensorflow-models/posenet@2.2.2 && tar xzf tensorflow-models-posenet-2.2.2.tgz
//   node operators/src/test/resources/post/posenet_reference.js package/dist ../shared/data/golden \
//        > operators/src/test/resources/post/posenet_vtest_reference.json
// It decodes the golden PoseNet outputs (NHWC float32 LE, posenet.manifest.json) with
// multi_pose/decode_multiple_poses (sigmoid of the heatmap first, as posenet_model does) and scales the poses to
// the 768x576 frame as util.scaleAndFlipPoses does (no padding, no flip), for two configurations.
'use strict';
const fs = require('fs');
const path = require('path');
const [dist, golden] = process.argv.slice(2);
const {decodeMultiplePoses} = require(path.resolve(dist, 'multi_pose/decode_multiple_poses.js'));

function buffer(file, shape, transform) {
  const bytes = fs.readFileSync(path.join(golden, file));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const values = transform ? Float32Array.from(data, transform) : data;
  const [h, w, c] = shape.slice(1);
  return {shape: [h, w, c], get: (y, x, k) => values[(y * w + x) * c + k]};
}

const manifest = JSON.parse(fs.readFileSync(path.join(golden, 'posenet.manifest.json')));
const sigmoid = (v) => 1 / (1 + Math.exp(-v));
const configs = [
  {name: 'default', maxDetections: 10, scoreThreshold: 0.5, nmsRadius: 20},
  {name: 'low', maxDetections: 10, scoreThreshold: 0.15, nmsRadius: 10},
];
const frame = {width: 768, height: 576};
const out = {source: '@tensorflow-models/posenet 2.2.2 decodeMultiplePoses', outputStride: 16,
  input: {width: manifest.width, height: manifest.height}, frame, configs: []};
for (const cfg of configs) {
  const frames = [];
  for (const f of manifest.frames) {
    const o = {};
    for (const t of f.outputs) {
      const key = t.name.includes('heatmap') ? 'heatmap' : t.name.includes('offset') ? 'offsets'
          : t.name.includes('displacement_fwd') ? 'fwd' : 'bwd';
      o[key] = buffer(t.file, t.shape, key === 'heatmap' ? sigmoid : null);
    }
    const poses = decodeMultiplePoses(o.heatmap, o.offsets, o.fwd, o.bwd, 16, cfg.maxDetections,
        cfg.scoreThreshold, cfg.nmsRadius);
    const sy = frame.height / manifest.height, sx = frame.width / manifest.width;
    frames.push(poses.map((p) => ({score: p.score, keypoints: p.keypoints.map((k) => ({
      part: k.part, x: k.position.x * sx, y: k.position.y * sy, score: k.score}))})));
  }
  out.configs.push({...cfg, frames});
}
process.stdout.write(JSON.stringify(out) + '\n');
