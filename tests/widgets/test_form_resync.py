"""The PromptBuilder's form resync (builder_form.js), run in Node against a model that behaves
like a widget model: ``set`` fires ``change:<trait>`` then ``change``, as Backbone does.

The race it covers: the kernel applies a form this view sent earlier while later state updates
were still held back by ipywidgets, and sends that older value back. Until the kernel confirms
the view's latest edit, the model must keep the page's value, or the next edit (a typed-items row
built from ``model.get("values")``) and the next form sent are built on the older one, and a row
the person added (with the image picked for it) disappears.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "sora_widgets" / "widgets" / "static"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the front end")

# A widget-like model: set() fires change:<trait> (a listener may set again, as Backbone allows),
# then one change; what the view saves and sends is recorded.
FAKE_MODEL = """
function fakeModel(state) {
  const handlers = {};
  const log = { saved: [], sent: [] };
  const fire = (event) => (handlers[event] || []).slice().forEach((fn) => fn());
  const model = {
    get: (k) => state[k],
    set(k, v) { if (state[k] === v) return; state[k] = v; fire(`change:${k}`); fire("change"); },
    on(e, fn) { (handlers[e] = handlers[e] || []).push(fn); },
    off(e, fn) { handlers[e] = (handlers[e] || []).filter((f) => f !== fn); },
    save_changes() { log.saved.push(JSON.stringify(state.values)); },
    send(msg) { log.sent.push(msg); },
  };
  return [model, log];
}
"""

SCENARIO = """
const state = { text: "", values: { "content.0.type": "text" }, model: "spark", orientation: "landscape",
  seconds: "4", fit_mode: "crop", remix_id: "", shot_type: "", subject: "", action: "", setting: "",
  lighting: "", camera: "" };
for (const [trait] of SHOT_FIELDS) state[trait] = state[trait] ?? "";
const [model, log] = fakeModel(state);
const sync = formSync(model);
const out = {};
// The person adds an image row, then types.
const twoRows = { "content.0.type": "text", "content.1.type": "image_url" };
sync.set("values", twoRows);
sync.set("text", "A paper boat drifts");
// The kernel, applying an older form, sends the older values and text back.
model.set("values", { "content.0.type": "text" });
model.set("text", "A paper");
out.valuesWhileAhead = model.get("values");
out.textWhileAhead = model.get("text");
out.form = sync.form();
// The kernel confirms an older edit only: still ahead, still the page's.
sync.acknowledged({ view: log.sent.length ? log.sent[0].view : null, seq: 1 });
model.set("values", {});
out.valuesAfterOlderAck = model.get("values");
// The form goes (after the idle pause) and is confirmed: now the kernel's word is final again.
await new Promise((resolve) => setTimeout(resolve, RESYNC_IDLE_MS + 100));
out.sentForm = log.sent.at(-1);
out.confirmed = sync.acknowledged({ view: out.sentForm.view, seq: out.sentForm.seq });
out.ahead = sync.ahead();
model.set("values", { "content.0.type": "text", "content.0.text": "from the kernel" });
out.valuesAfterAck = model.get("values");
sync.dispose();
console.log(JSON.stringify(out));
"""


def _module(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("import "))


def test_the_page_keeps_its_values_until_the_kernel_confirms_them() -> None:
    script = _module(STATIC / "_dom.js") + "\n" + _module(STATIC / "builder_form.js") + FAKE_MODEL + SCENARIO
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    two_rows = {"content.0.type": "text", "content.1.type": "image_url"}
    # The older values the kernel sent back do not replace the page's.
    assert out["valuesWhileAhead"] == two_rows
    assert out["textWhileAhead"] == "A paper boat drifts"
    assert out["form"]["values"] == two_rows and out["form"]["text"] == "A paper boat drifts"
    assert out["valuesAfterOlderAck"] == two_rows
    # What goes to the kernel is the page's form, and once confirmed the kernel may change it.
    assert out["sentForm"]["form"]["values"] == two_rows
    # Only what the view set: a trait the kernel changes (values after a model switch) is not
    # sent back from the page's older copy (ci8: another model's aspect_ratio came back).
    assert sorted(out["sentForm"]["form"]) == ["text", "values"]
    assert out["sentForm"]["form"]["text"] == "A paper boat drifts"
    assert out["confirmed"] is True and out["ahead"] is False
    assert out["valuesAfterAck"] == {"content.0.type": "text", "content.0.text": "from the kernel"}
