// Run in a rendered page: open what is shown only after a click (tabs, accordions, "show more",
// year switches) and keep a copy of what each click brought, under the label of its control.
// A year switch replaces its list, so the copies are what lets every year be read. The copies go
// into one <div data-oit="expanded"> inside the page's main content; the page is otherwise left
// as the agency shows it (select boxes are switched back).
async (budgetMs) => {
  const started = Date.now();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const box = document.createElement("div");
  box.setAttribute("data-oit", "expanded");
  let changed = [];
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!target || box.contains(target)) continue;
      if (target === document.body || target === document.documentElement) {
        r.addedNodes.forEach((n) => n.nodeType === 1 && changed.push(n));
      } else if (r.addedNodes.length || r.type === "characterData") {
        changed.push(target);
      }
    }
  });
  const watch = () => observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const settle = async () => { // until the DOM stops changing (a click may fetch JSON first)
    const start = Date.now();
    let last = -1;
    while (Date.now() - start < 1500) {
      await sleep(150);
      if (changed.length === last) break;
      last = changed.length;
    }
  };
  const label = (el) => (el.innerText || el.textContent || el.value || el.getAttribute("aria-label") || "")
    .replace(/\s+/g, " ").trim().slice(0, 100);
  const keep = (name) => {
    const roots = [...new Set(changed)].filter((n) => n.isConnected && !box.contains(n));
    const outer = roots.filter((n) => !roots.some((m) => m !== n && m.contains(n)));
    changed = [];
    if (!outer.length || !outer.some((n) => (n.textContent || "").trim())) return;
    const section = document.createElement("section");
    const heading = document.createElement("h3");
    heading.textContent = name;
    section.appendChild(heading);
    outer.forEach((n) => section.appendChild(n.cloneNode(true)));
    box.appendChild(section);
  };
  const late = () => Date.now() - started > budgetMs;

  watch();
  const controls = [...document.querySelectorAll(
    "button, summary, [role=tab], [role=button], [data-toggle], [data-bs-toggle], [aria-expanded], [onclick]")]
    .filter((el) => {
      if (el.tagName === "BUTTON" && el.type === "submit" && el.form) return false; // would send a form
      const href = el.tagName === "A" ? (el.getAttribute("href") || "") : "";
      // a link to another page or route is crawled as a link, not clicked
      return !href || (/^(#|javascript:)/i.test(href) && !/^#!?\//.test(href));
    })
    .slice(0, 60);
  for (const el of controls) {
    if (late()) break;
    changed = [];
    try { el.click(); } catch (e) { continue; }
    await settle();
    keep(label(el));
  }
  for (const select of [...document.querySelectorAll("select")].slice(0, 5)) {
    const original = select.value;
    for (const option of [...select.options].slice(0, 12)) {
      if (late()) break;
      changed = [];
      select.value = option.value;
      select.dispatchEvent(new Event("input", { bubbles: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      await settle();
      keep(label(option));
    }
    select.value = original;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
  }
  observer.disconnect();
  if (box.childNodes.length) {
    (document.querySelector("main, [role=main], #content, #main") || document.body).appendChild(box);
  }
  return box.childNodes.length;
}
