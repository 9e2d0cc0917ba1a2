#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded default, on a fresh machine. Storage is
# .tunectl/store, the host is `local` (this machine, no SSH), the trainer runs as a plain
# process in the virtualenv tunectl makes from scripts/trainer/requirements.lock (once, under
# ~/.cache/tunectl), and the experiment is configs/tiny-cpu.yaml (the builtin tiny Llama
# with LoRA through transformers + PEFT, about a minute on 2 CPU cores).
# Extra arguments go to `tunectl run`, e.g. `npm run demo -- --set train.max_steps=10`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f dist/cli/main.js ] || npm run build --silent
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  bash scripts/setup/install-packages.sh python3 python3-venv
fi

tunectl() { node bin/tunectl.js "$@"; }

tunectl validate configs/tiny-cpu.yaml
tunectl run configs/tiny-cpu.yaml "$@"
run=$(tunectl ps --all --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).runs;console.log(r[r.length-1].id)})')
echo
tunectl show "$run"
echo
tunectl checkpoints "$run" || true
cat <<INFO

The run's record:      .tunectl/runs/$run/ (run.json, config.yaml, events.jsonl, metrics.jsonl, generations.jsonl, logs/)
Its checkpoints:       .tunectl/runs/$run/checkpoints/ (and in the store: .tunectl/store/runs/$run/)
The host's copy:       .tunectl/hosts/local/runs/$run/output/
Try:                   node bin/tunectl.js logs $run --tail 20
                       node bin/tunectl.js run configs/tiny-cpu.yaml --set train.learning_rate=1e-3
                       node bin/tunectl.js compare last last~1 --html report.html
INFO

# One prompt's greedy answer before tuning (step 0, the base model) and after (the last step):
# the trainer's own generations.jsonl lines, streamed back into the run's record.
tunectl show "$run" --json | node -e '
let s = "";
process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const g = (JSON.parse(s).generations || []).find((p) => p.base);
  if (!g) return;
  const shown = (o) => JSON.stringify(o) + (o === "" ? " (ended at once)" : "");
  const ask = g.prompt.replace(/\s+/g, " ").trim().slice(-70);
  console.log(`\nPrompt ${g.prompt_id} (…${ask}), answered greedily:`);
  console.log(`  before tuning (step 0):       ${shown(g.base.output)}`);
  console.log(`  after tuning (step ${g.latest.step}):`.padEnd(32) + shown(g.latest.output));
});'
