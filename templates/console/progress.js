// Live progress of an on-demand analysis: the console's only script. Without it the page still shows the state
// when loaded and offers a refresh link. Polls the run's status once a second and opens the report when done.
(() => {
  const root = document.querySelector('[data-run]');
  if (!root) return;
  const url = root.getAttribute('data-status-url');
  const stateLine = root.querySelector('[data-run-state]');
  const errorLine = root.querySelector('[data-run-error]');
  const reportLine = root.querySelector('[data-run-report]');
  const reportLink = root.querySelector('[data-report-link]');
  let lastState = '';

  function show(run) {
    for (const s of run.stages) {
      const li = root.querySelector(`[data-stage="${s.stage}"]`);
      if (!li) continue;
      li.className = `step step-${s.status}`;
      li.querySelector('[data-step-status]').textContent = s.statusText;
    }
    const text = run.stateText;
    if (text !== lastState) {
      stateLine.textContent = text;
      stateLine.className = `run-state tone-${run.tone}`;
      lastState = text;
    }
    if (run.error) {
      errorLine.textContent = run.error;
      errorLine.hidden = false;
    }
    if (run.reportHref) {
      reportLink.setAttribute('href', run.reportHref);
      reportLine.hidden = false;
    }
  }

  async function tick() {
    let run;
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      run = await res.json();
    } catch {
      setTimeout(tick, 3000);
      return;
    }
    show(run);
    if (run.state === 'completed' && run.reportHref) {
      window.location.assign(run.reportHref);
      return;
    }
    if (run.state !== 'failed') setTimeout(tick, 1000);
  }
  setTimeout(tick, 500);
})();
