// Gallery controls front end: filters, count, resume, and the details of a chosen entry.
// Everything from the journal is shown with textContent.

function mountGallery({ model, el }) {
  const releaseKeys = keepKeys(el);
  const status = h("select");
  for (const [value, text] of model.get("status_choices")) status.append(h("option", { value, text }));
  const modelSelect = h("select");
  const search = h("input", { type: "search", placeholder: "words in the prompt or task id" });
  const refresh = h("button", { class: "sw-btn", type: "button", text: "Refresh" });
  const resume = h("button", { class: "sw-btn", type: "button", text: "Resume unfinished" });
  const count = h("span", { class: "sw-gal-count sw-muted", "aria-live": "polite" });
  const alert = h("div", { class: "sw-alert", role: "alert" });
  const detailTitle = h("h4", { class: "sw-gal-detail-title" });
  const detailList = h("dl", { class: "sw-gal-detail-list" });
  const detail = h("section", { class: "sw-gal-detail", "aria-label": "Request details" }, [detailTitle, detailList]);
  const root = h("div", { class: "sw-root sw-gallery-controls" }, [
    h("div", { class: "sw-gal-bar" }, [
      h("strong", { class: "sw-gal-title", text: "History" }),
      labelled("Status", status, "sw-gal-field"),
      labelled("Model", modelSelect, "sw-gal-field"),
      labelled("Search", search, "sw-gal-field"),
      refresh,
      resume,
      count,
    ]),
    alert,
    detail,
  ]);
  el.append(root);

  const send = (trait, value) => {
    model.set(trait, value);
    model.save_changes();
  };
  const onStatus = () => send("status", status.value);
  const onModel = () => send("model", modelSelect.value);
  const onSearch = () => send("search", search.value);
  const onRefresh = () => model.send({ type: "refresh" });
  const onResume = () => model.send({ type: "resume" });
  status.addEventListener("change", onStatus);
  modelSelect.addEventListener("change", onModel);
  search.addEventListener("input", onSearch);
  refresh.addEventListener("click", onRefresh);
  resume.addEventListener("click", onResume);

  function paint() {
    status.value = model.get("status");
    const choices = model.get("model_choices");
    modelSelect.replaceChildren(
      h("option", { value: "", text: "All models" }),
      ...choices.map((c) => h("option", { value: String(c.id), text: String(c.label) })),
    );
    modelSelect.value = model.get("model");
    if (search.value !== model.get("search")) search.value = model.get("search");
    count.textContent = model.get("count");
    const unfinished = model.get("unfinished");
    resume.hidden = !model.get("can_resume");
    resume.disabled = model.get("busy") || unfinished === 0;
    resume.textContent = model.get("busy") ? "Resuming…" : unfinished ? `Resume unfinished (${unfinished})` : "Resume unfinished";
    alert.textContent = model.get("error");
    alert.hidden = !alert.textContent;
    const rows = model.get("detail");
    detailTitle.textContent = model.get("detail_title");
    detailList.replaceChildren(...rows.flatMap(([term, value]) => [h("dt", { text: term }), h("dd", { text: value })]));
    detail.hidden = rows.length === 0;
  }
  model.on("change", paint);
  paint();
  return () => {
    releaseKeys();
    model.off("change", paint);
    status.removeEventListener("change", onStatus);
    modelSelect.removeEventListener("change", onModel);
    search.removeEventListener("input", onSearch);
    refresh.removeEventListener("click", onRefresh);
    resume.removeEventListener("click", onResume);
  };
}

