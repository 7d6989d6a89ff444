/**
 * Model files on disk, without tfjs-node's file:// handler (which may be absent): model.json in
 * the standard TensorFlow.js layers format + one weights.bin.
 */
import * as tf from "@tensorflow/tfjs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export async function saveLayersModel(model: tf.LayersModel, dir: string, stem = "model"): Promise<{ bytes: number }> {
  await mkdir(dir, { recursive: true });
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
      const weightsFile = stem === "model" ? "weights.bin" : `${stem}.weights.bin`;
      const json = {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs }],
      };
      await writeFile(path.join(dir, `${stem}.json`), JSON.stringify(json));
      await writeFile(path.join(dir, weightsFile), Buffer.from(weightData));
      bytes = weightData.byteLength;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: bytes } };
    }),
  );
  return { bytes };
}

export async function loadLayersModelFromDir(dir: string, stem = "model"): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, `${stem}.json`), "utf8"));
  const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const buffers: Buffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const p of group.paths) buffers.push(await readFile(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}
