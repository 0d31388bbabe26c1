// Studio header front end: title, "simulated" badge, service, counts. Text via textContent only.

function mountStudio({ model, el }) {
  const releaseKeys = keepKeys(el);
  const title = h("h3", { class: "sw-studio-title" });
  const badge = h("span", { class: "sw-badge-sim", text: "simulated", title: "Videos come from the built-in simulator; nothing is sent to the real service" });
  const service = h("span", { class: "sw-studio-service sw-muted" });
  const counts = h("span", { class: "sw-studio-counts", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const root = h("div", { class: "sw-root sw-studio-header" }, [
    h("div", { class: "sw-studio-line" }, [title, badge, service, counts]),
    alert,
  ]);
  el.append(root);

  function paint() {
    title.textContent = model.get("title");
    badge.hidden = !model.get("simulated");
    service.textContent = model.get("service") ? `→ ${model.get("service")}` : "";
    const parts = [];
    if (model.get("running")) parts.push(`${model.get("running")} running`);
    if (model.get("finished")) parts.push(`${model.get("finished")} done`);
    if (model.get("failed")) parts.push(`${model.get("failed")} failed`);
    if (model.get("spent")) parts.push(model.get("spent")); // "$3.60 spent (simulated)"
    counts.textContent = parts.join(" · ");
    alert.textContent = model.get("error");
    alert.hidden = !alert.textContent;
  }
  model.on("change", paint);
  paint();
  return () => {
    releaseKeys();
    model.off("change", paint);
  };
}

