#!/usr/bin/env bash
# Air-gapped build of @tensorflow/tfjs-node (native TensorFlow backend) from a TensorFlow CPU wheel.
#
#   npm run tfjs-node:offline -- /path/to/tensorflow_cpu-2.x-cp3xx-manylinux*.whl
#   npm run tfjs-node:offline            # tries `python3 -m pip download --no-deps tensorflow-cpu`
#
# Why: tfjs-node's own install script downloads libtensorflow from storage.googleapis.com, which a
# hospital network (and this build machine) cannot reach. A TensorFlow CPU wheel ships the same C
# library (libtensorflow_cc.so.2 + libtensorflow_framework.so.2) and headers.
#
# Steps (verified on Node 20.20 / Debian, TF 2.21 wheel — tfjs 4.22 expects TF 2.9.1, so this is an
# unsupported combination; fit / predict / save worked):
#   1. install the package without running its download script (--ignore-scripts, --no-save: the
#      package is already listed under optionalDependencies, package.json / lock are untouched)
#   2. copy the two shared libraries and the include/ tree from the wheel into the package's deps/
#   3. libtensorflow.so -> libtensorflow_cc.so.2 (the name binding.gyp links against)
#   4. node-pre-gyp --build-from-source against the local Node headers (~40 s on 2 cores)
#   5. smoke test: the "tensorflow" backend loads and adds two tensors
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="4.22.0"
pkg="$repo/node_modules/@tensorflow/tfjs-node"
wheel="${1:-}"

if [[ -z "$wheel" ]]; then
  mkdir -p "$repo/.cache/tf-wheel"
  echo "› no wheel given; trying: python3 -m pip download --no-deps tensorflow-cpu"
  python3 -m pip download --no-deps tensorflow-cpu -d "$repo/.cache/tf-wheel" >/dev/null
  wheel="$(ls -1 "$repo"/.cache/tf-wheel/tensorflow_cpu-*.whl | tail -n 1)"
fi
[[ -f "$wheel" ]] || { echo "error: wheel not found: $wheel" >&2; exit 2; }
echo "› wheel: $wheel"

if [[ ! -f "$pkg/package.json" ]] || ! grep -q "\"version\": \"$version\"" "$pkg/package.json"; then
  echo "› installing @tensorflow/tfjs-node@$version without its download script"
  (cd "$repo" && npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$version")
fi

echo "› extracting libtensorflow + headers"
rm -rf "$pkg/deps"
mkdir -p "$pkg/deps/lib" "$pkg/deps/include"
python3 - "$wheel" "$pkg/deps" <<'PY'
import sys, zipfile, os, shutil
wheel, deps = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        n = info.filename
        if n in ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"):
            dest = os.path.join(deps, "lib", os.path.basename(n))
        elif n.startswith("tensorflow/include/") and not n.endswith("/"):
            dest = os.path.join(deps, "include", n[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
for lib in ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2"):
    if not os.path.exists(os.path.join(deps, "lib", lib)):
        sys.exit(f"error: {lib} not in the wheel")
PY
(
  cd "$pkg/deps/lib"
  ln -sf libtensorflow_cc.so.2 libtensorflow.so
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so
)

nodedir="$(cd "$(dirname "$(readlink -f "$(command -v node)")")/.." && pwd)"
echo "› building the native binding (nodedir $nodedir)"
(cd "$pkg" && npx --no-install node-pre-gyp install --build-from-source --nodedir="$nodedir" >/dev/null)

echo "› smoke test"
(cd "$repo" && node -e '
const tf = require("@tensorflow/tfjs-node");
const s = tf.add(tf.tensor([1, 2]), tf.tensor([3, 4])).dataSync();
if (s[0] !== 4 || s[1] !== 6) { console.error("tfjs-node smoke test failed"); process.exit(1); }
console.log("tfjs-node ok: backend", tf.getBackend(), "TensorFlow", tf.version.tfjs ? tf.version["tfjs-node"] : "?");
')
