// Live runs pages: one EventSource on /runs/stream per page. A list updates its rows in place and fetches its first
// page again when a new run may belong there; a run page fetches its details again when the run changed. Whenever
// the stream (re)opens, the page fetches once, since changes made while it was closed were not sent to it.
(() => {
  'use strict';

  const BADGES = {
    QUEUED: 'text-bg-secondary', RUNNING: 'text-bg-primary', SUCCEEDED: 'text-bg-success',
    FAILED: 'text-bg-danger', CANCELLED: 'text-bg-warning'
  };
  const ALL_BADGES = Object.values(BADGES);

  const list = () => document.getElementById('run-results');
  const detail = () => document.getElementById('run-detail');
  const root = list() || detail();
  if (!root || !window.EventSource) {
    return;
  }

  // Same as RunDisplay.time: yyyy-MM-dd HH:mm:ss in UTC.
  const time = iso => (iso ? iso.replace('T', ' ').substring(0, 19) : '');

  const setBadge = (badge, state) => {
    badge.classList.remove(...ALL_BADGES);
    badge.classList.add(BADGES[state] || 'text-bg-secondary');
    badge.textContent = state;
  };

  // Set once a plain form on the page is submitting (Cancel run): the page is about to be left, and swapping the part
  // that holds the form would abort the submission, so the click would be lost. htmx forms (filters) have had their
  // default prevented by htmx by the time the event bubbles here, and do not count.
  let leaving = false;
  document.addEventListener('submit', event => {
    if (!event.defaultPrevented) {
      leaving = true;
    }
  });
  // a page restored from the back-forward cache is live again
  window.addEventListener('pageshow', () => { leaving = false; });

  let refreshing = null;
  let again = false;
  // Counts the page's own htmx requests (filters, paging): a refresh that overlapped one answers an older question.
  let htmxRequests = 0;
  document.addEventListener('htmx:beforeRequest', () => { htmxRequests += 1; });

  // Fetches the page's live part and swaps it in; calls arriving meanwhile make one more fetch afterwards.
  const refresh = () => {
    const current = list() || detail();
    if (!current) {
      return;
    }
    if (refreshing) {
      again = true;
      return;
    }
    const url = current.dataset.url || window.location.pathname + window.location.search;
    const requestsBefore = htmxRequests;
    refreshing = fetch(url, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(response => (response.ok ? response.text() : Promise.reject(new Error(response.status))))
      .then(html => {
        const parsed = new DOMParser().parseFromString(html, 'text/html');
        const replacement = parsed.getElementById(current.id);
        const live = document.getElementById(current.id);
        // A filter or page change (htmx) asked for, or swapped in, newer content while this fetch was out: it answered
        // an older question and must not overwrite the answer to the newer one.
        if (live !== current || htmxRequests !== requestsBefore || leaving) {
          return;
        }
        if (replacement && sameAsShown(replacement, live)) {
          return;
        }
        if (replacement && live) {
          const focused = document.activeElement && document.activeElement.id;
          live.replaceWith(replacement);
          if (window.htmx) {
            window.htmx.process(replacement);
          }
          if (focused && document.getElementById(focused)) {
            document.getElementById(focused).focus();
          }
        }
      })
      .catch(() => setStatus('Could not refresh; showing what was last loaded.'))
      .finally(() => {
        refreshing = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  };

  // Whether the fetched part shows what the page shows already (the feed status aside); swapping it anyway would
  // replace a button under a click that is on its way.
  const sameAsShown = (replacement, live) => {
    const status = replacement.querySelector('#run-feed-status');
    const shown = live.querySelector('#run-feed-status');
    if (status && shown) {
      status.textContent = shown.textContent;
    }
    return replacement.outerHTML === live.outerHTML;
  };

    let refreshTimer = null;
  const refreshSoon = () => {
    if (!refreshTimer) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        refresh();
      }, 300);
    }
  };

  const setStatus = text => {
    const status = document.getElementById('run-feed-status');
    if (status) {
      status.textContent = text;
    }
  };

  const onListChange = (results, run) => {
    const row = results.querySelector(`tr[data-run-id="${run.runId}"]`);
    if (row) {
      const badge = row.querySelector('[data-field="state"] .badge');
      if (badge) {
        setBadge(badge, run.state);
      }
      for (const field of ['attempt', 'startedAt', 'finishedAt']) {
        const cell = row.querySelector(`[data-field="${field}"]`);
        if (cell) {
          cell.textContent = field === 'attempt' ? run.attempt : time(run[field]);
        }
      }
      return;
    }
    // A run not shown: it belongs at the top of the first page if it passes the filters.
    const { state, triggerType, page, oldest } = results.dataset;
    const recent = !oldest || Date.parse(run.queuedAt) >= Date.parse(oldest);
    if (page === '0' && recent && (!state || state === run.state)
        && (!triggerType || triggerType === run.triggerType)) {
      refreshSoon();
    }
  };

  const onRunChange = (runDetail, run) => {
    if (runDetail.dataset.runId === run.runId) {
      refreshSoon();
    }
  };

  let opened = false;
  const source = new EventSource(root.dataset.runFeed);
  source.addEventListener('open', () => {
    setStatus('Live');
    if (opened) {
      refresh();
    } else {
      opened = true;
      refreshSoon();
    }
  });
  // EventSource retries by itself; it gives up only on an answer that is no stream (signed out: the login page).
  source.addEventListener('error', () => setStatus(source.readyState === EventSource.CLOSED
    ? 'Live updates stopped; reload the page.' : 'Reconnecting…'));
  source.addEventListener('run', event => {
    const run = JSON.parse(event.data);
    const results = list();
    const runDetail = detail();
    if (results) {
      onListChange(results, run);
    } else if (runDetail) {
      onRunChange(runDetail, run);
    }
  });
  window.addEventListener('pagehide', () => source.close());
})();
