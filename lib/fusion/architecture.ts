/**
 * One config-driven builder for all fusion strategies. The graph is written once as stages
 * (image stem → image embedding, tabular embedding, fusion, heads) over *named* layers, and run two
 * ways: symbolically to build the tf.LayersModel that is trained and saved, and eagerly (same
 * layers, same weights) at inference, which gives explanations access to intermediate tensors
 * (last conv feature map for Grad-CAM, embeddings, the fusion tail for Shapley / integrated
 * gradients) without a second model definition.
 *
 *   joint        image → CNN → img emb ┐
 *                tabular → MLP → tab emb ┴ concat → dense → dropout → heads   (trained end to end)
 *   early        tabular → dense(4) tiled over the image plane, concatenated with the pixels as
 *                extra input channels → CNN → dense → dropout → heads
 *   image_only   image → CNN → img emb → dense → dropout → heads
 *   tabular_only tabular → MLP → tab emb → dense → dropout → heads
 *   late         image_only and tabular_only trained separately; their logits combined per head by
 *                a logistic stacker fitted on the validation split (models/fusion/train.ts)
 *
 * All heads output logits; calibration (temperature per head) is applied outside the graph.
 */
import * as tf from "@tensorflow/tfjs";

export type NetStrategy = "joint" | "early" | "image_only" | "tabular_only";

export type ArchConfig = {
  strategy: NetStrategy;
  imageSize: number;
  tabularDim: number;
  heads: string[];
  convFilters: number[];
  convStrides: number[];
  imageEmbDim: number;
  tabHidden: number;
  tabEmbDim: number;
  fusedDim: number;
  dropout: number;
  earlyTabChannels: number;
  /** batch normalisation after each conv (faster, steadier training of the image branch) */
  batchNorm: boolean;
  /** auxiliary image outputs (regressed from the image embedding during training; 0 = none) */
  auxOutputs: number;
  seed: number;
};

export const DEFAULT_ARCH: Omit<ArchConfig, "strategy" | "imageSize" | "tabularDim" | "heads"> = {
  convFilters: [16, 32, 32],
  convStrides: [2, 2, 1],
  imageEmbDim: 16,
  tabHidden: 32,
  tabEmbDim: 16,
  fusedDim: 32,
  dropout: 0.2,
  earlyTabChannels: 4,
  batchNorm: true,
  auxOutputs: 0,
  seed: 1,
};

export const usesImage = (s: NetStrategy) => s !== "tabular_only";
export const usesTabular = (s: NetStrategy) => s !== "image_only";

type AnyT = tf.SymbolicTensor | tf.Tensor;
type Layers = Record<string, tf.layers.Layer>;
const ap = <T extends AnyT>(l: tf.layers.Layer, x: T | T[], kwargs?: Record<string, unknown>): T => l.apply(x as never, kwargs as never) as unknown as T;

function makeLayers(cfg: ArchConfig): Layers {
  let seed = cfg.seed * 1000;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const L: Layers = {};
  if (usesImage(cfg.strategy)) {
    if (cfg.strategy === "early") {
      L.early_tab_proj = tf.layers.dense({ units: cfg.earlyTabChannels, name: "early_tab_proj", kernelInitializer: init() });
      L.early_reshape = tf.layers.reshape({ targetShape: [1, 1, cfg.earlyTabChannels], name: "early_reshape" });
      L.early_tile = tf.layers.upSampling2d({ size: [cfg.imageSize, cfg.imageSize], name: "early_tile" });
      L.early_concat = tf.layers.concatenate({ axis: -1, name: "early_concat" });
    }
    cfg.convFilters.forEach((f, i) => {
      L[`img_conv${i + 1}`] = tf.layers.conv2d({ filters: f, kernelSize: 3, strides: cfg.convStrides[i] ?? 1, padding: "same", activation: cfg.batchNorm ? "linear" : "relu", useBias: !cfg.batchNorm, name: `img_conv${i + 1}`, kernelInitializer: init() });
      if (cfg.batchNorm) {
        L[`img_bn${i + 1}`] = tf.layers.batchNormalization({ name: `img_bn${i + 1}` });
        L[`img_relu${i + 1}`] = tf.layers.activation({ activation: "relu", name: `img_relu${i + 1}` });
      }
    });
    if (cfg.auxOutputs > 0) L.img_aux = tf.layers.dense({ units: cfg.auxOutputs, name: "img_aux", kernelInitializer: init() });
    L.img_gmp = tf.layers.globalMaxPooling2d({ name: "img_gmp" });
    L.img_gap = tf.layers.globalAveragePooling2d({ name: "img_gap" });
    L.img_pool = tf.layers.concatenate({ axis: -1, name: "img_pool" });
    L.img_emb = tf.layers.dense({ units: cfg.imageEmbDim, activation: "relu", name: "img_emb", kernelInitializer: init() });
  }
  if (usesTabular(cfg.strategy) && cfg.strategy !== "early") {
    L.tab_hidden = tf.layers.dense({ units: cfg.tabHidden, activation: "relu", name: "tab_hidden", kernelInitializer: init() });
    L.tab_emb = tf.layers.dense({ units: cfg.tabEmbDim, activation: "relu", name: "tab_emb", kernelInitializer: init() });
  }
  if (cfg.strategy === "joint") L.fuse_concat = tf.layers.concatenate({ axis: -1, name: "fuse_concat" });
  L.fused = tf.layers.dense({ units: cfg.fusedDim, activation: "relu", name: "fused", kernelInitializer: init() });
  L.fused_dropout = tf.layers.dropout({ rate: cfg.dropout, name: "fused_dropout" });
  L.heads = tf.layers.dense({ units: cfg.heads.length, name: "heads", kernelInitializer: init() });
  return L;
}

/** The staged graph; works on symbolic tensors (build) and on concrete tensors (inference). */
export function stages<T extends AnyT = tf.Tensor>(cfg: ArchConfig, L: Layers) {
  const imagePooled = (fmap: T): T => ap<T>(L.img_pool, [ap<T>(L.img_gmp, fmap), ap<T>(L.img_gap, fmap)]);
  return {
    /**
     * image (+ tabular for early) → last conv feature map. `training` (eager training loops,
     * models/fusion/trainer.ts): batch normalisation uses batch statistics and updates its moving
     * averages; otherwise it uses the moving averages (inference).
     */
    featureMap(image: T, tab?: T, training = false): T {
      const bnArgs = training ? { training: true } : undefined;
      let x = image;
      if (cfg.strategy === "early") {
        if (!tab) throw new Error("early fusion needs the tabular input");
        const t = ap<T>(L.early_tile, ap<T>(L.early_reshape, ap<T>(L.early_tab_proj, tab)));
        x = ap<T>(L.early_concat, [image, t]);
      }
      for (let i = 0; i < cfg.convFilters.length; i++) {
        x = ap<T>(L[`img_conv${i + 1}`], x);
        if (cfg.batchNorm) x = ap<T>(L[`img_relu${i + 1}`], ap<T>(L[`img_bn${i + 1}`], x, bnArgs));
      }
      return x;
    },
    /** last conv feature map → pooled features (global max ‖ global average), the OOD check's input */
    imagePooled,
    imageEmbedding(fmap: T): T {
      return ap<T>(L.img_emb, imagePooled(fmap));
    },
    tabularEmbedding(tab: T): T {
      return ap<T>(L.tab_emb, ap<T>(L.tab_hidden, tab));
    },
    /** fusion layer input → fused representation (before dropout) */
    fused(imgEmb: T | null, tabEmb: T | null): T {
      const parts = [imgEmb, tabEmb].filter((t): t is T => t !== null);
      const x = parts.length > 1 ? ap<T>(L.fuse_concat, parts) : parts[0];
      return ap<T>(L.fused, x);
    },
    /** `mcDropout` (eager only): dropout stays on with a fixed seed, for MC-dropout intervals */
    logits(fused: T, mcDropout = false): T {
      if (mcDropout) return ap<T>(L.heads, tf.dropout(fused as tf.Tensor, cfg.dropout, undefined, 20261128) as T);
      return ap<T>(L.heads, ap<T>(L.fused_dropout, fused));
    },
    /** the early strategy's image embedding is a fused embedding of both inputs */
    pooledEarly(fmap: T): T {
      return ap<T>(L.img_emb, ap<T>(L.img_pool, [ap<T>(L.img_gmp, fmap), ap<T>(L.img_gap, fmap)]));
    },
  };
}

export type FusionGraph = ReturnType<typeof stages<tf.Tensor>>;

/**
 * Build the trainable model for a strategy: inputs [image?, tabular?] → logits [batch, heads]
 * (and, when `auxOutputs` > 0 and there is an image branch, a second output: auxiliary image
 * targets regressed from the image embedding — used only as a training signal).
 */
export function buildFusionModel(cfg: ArchConfig): tf.LayersModel {
  const L = makeLayers(cfg);
  const g = stages<tf.SymbolicTensor>(cfg, L);
  const inputs: tf.SymbolicTensor[] = [];
  const image = usesImage(cfg.strategy) ? tf.input({ shape: [cfg.imageSize, cfg.imageSize, 1], name: "image" }) : null;
  const tab = usesTabular(cfg.strategy) ? tf.input({ shape: [cfg.tabularDim], name: "tabular" }) : null;
  if (image) inputs.push(image);
  if (tab) inputs.push(tab);
  let fused: tf.SymbolicTensor;
  let ie: tf.SymbolicTensor | null = null;
  if (cfg.strategy === "early") {
    ie = g.pooledEarly(g.featureMap(image!, tab!));
    fused = g.fused(ie, null);
  } else {
    ie = image ? g.imageEmbedding(g.featureMap(image)) : null;
    const te = tab ? g.tabularEmbedding(tab) : null;
    fused = g.fused(ie, te);
  }
  const out = g.logits(fused);
  const outputs = ie && L.img_aux ? [out, L.img_aux.apply(ie) as tf.SymbolicTensor] : out;
  return tf.model({ inputs, outputs, name: `fusion_${cfg.strategy}` });
}

/** Layers of a built or loaded model, by name (for the eager stages). */
export function layersOf(model: tf.LayersModel): Layers {
  const L: Layers = {};
  for (const l of model.layers) L[l.name] = l;
  return L;
}

/** Eager forward pass to logits — same as model.predict, via the stages (used in tests). */
export function forwardLogits(cfg: ArchConfig, model: tf.LayersModel, image: tf.Tensor4D | null, tab: tf.Tensor2D | null): tf.Tensor2D {
  return tf.tidy(() => {
    const g = stages<tf.Tensor>(cfg, layersOf(model));
    if (cfg.strategy === "early") return g.logits(g.fused(g.pooledEarly(g.featureMap(image!, tab!)), null)) as tf.Tensor2D;
    const ie = image ? g.imageEmbedding(g.featureMap(image)) : null;
    const te = tab ? g.tabularEmbedding(tab) : null;
    return g.logits(g.fused(ie, te)) as tf.Tensor2D;
  });
}
