// The GOV.UK-style session timeout warning: 5 minutes before the idle limit, offer to stay signed
// in. When the limit passes the page is left as it is: a form sent afterwards is kept by the server
// and offered again after signing in, so nothing typed is lost.

export function startSessionWarning(doc) {
  const body = doc.body;
  const idle = Number(body.dataset.sessionIdleSeconds);
  const warnAt = Number(body.dataset.sessionWarningSeconds);
  const dialog = doc.getElementById("session-warning");
  const form = doc.getElementById("session-warning-form");
  if (!idle || !warnAt || !dialog || !form) return;

  const text = doc.getElementById("session-warning-text");
  const title = doc.getElementById("session-warning-title");
  let warningTimer;
  let expiryTimer;
  let lastFocus = null;

  function schedule() {
    clearTimeout(warningTimer);
    clearTimeout(expiryTimer);
    warningTimer = setTimeout(show, warnAt * 1000);
    expiryTimer = setTimeout(expired, idle * 1000);
  }

  function show() {
    lastFocus = doc.activeElement;
    dialog.hidden = false;
    dialog.querySelector("[role=alertdialog]").focus();
  }

  function hide() {
    dialog.hidden = true;
    if (lastFocus) lastFocus.focus();
  }

  function expired() {
    title.textContent = "You have been signed out";
    text.textContent =
      "You were signed out because you did nothing for 30 minutes. Anything you typed is still " +
      "on this page: when you send it, you will be asked to sign in and it will be kept.";
    doc.getElementById("session-stay").hidden = true;
    dialog.hidden = false;
    dialog.querySelector("[role=alertdialog]").focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.ok) {
        hide();
        schedule();
        return;
      }
    } catch (error) {
      // fall through to the expired message
    }
    expired();
  });

  doc.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !dialog.hidden && !doc.getElementById("session-stay").hidden) {
      form.requestSubmit();
    }
  });

  schedule();
}
