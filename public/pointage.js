// Cahier Coop — pointage without reloading the page. Progressive enhancement: without this script
// each "Pointer" / "Dépointer" form posts and the page comes back; with it, the same form is
// posted in the background (its CSRF token with it) and the row's ✓ and the pointage totals change
// in place. Anything unexpected falls back to the ordinary post.
(function () {
  'use strict';

  var POINT = /\/pointage$/;
  var UNPOINT = /\/depointage$/;

  /** The message of the last click, where the saved-form messages are, read out by screen readers. */
  function announce(text, refused) {
    var box = document.querySelector('[data-pointage-message]');
    if (!box) {
      box = document.createElement('div');
      box.setAttribute('data-pointage-message', '');
      box.setAttribute('role', 'status');
      var title = document.querySelector('main h1');
      if (!title) return;
      title.insertAdjacentElement('afterend', box);
    }
    // The message of the click before (or of the last saved form) is stale now.
    document.querySelectorAll('main .alert--success:not([data-pointage-message])').forEach(function (el) {
      el.remove();
    });
    box.className = 'alert ' + (refused ? 'alert--error' : 'alert--success');
    box.textContent = '';
    var p = document.createElement('p');
    p.className = 'alert__message';
    p.textContent = text;
    box.appendChild(p);
  }

  /** The row's cell as the server draws it after the change: ✓ and "Dépointer", or "Pointer". */
  function show(form, reconciled) {
    var cell = form.parentNode;
    var button = form.querySelector('button');
    var pj = form.getAttribute('data-pj');
    cell.querySelectorAll('.reconciled, .visually-hidden[data-pointee]').forEach(function (el) {
      el.remove();
    });
    if (reconciled) {
      var tick = document.createElement('span');
      tick.className = 'reconciled';
      tick.setAttribute('aria-hidden', 'true');
      tick.textContent = '✓';
      var said = document.createElement('span');
      said.className = 'visually-hidden';
      said.setAttribute('data-pointee', '');
      said.textContent = 'Pointée.';
      cell.insertBefore(said, form);
      cell.insertBefore(tick, said);
      form.action = form.action.replace(POINT, '/depointage');
      button.textContent = 'Dépointer';
      button.className = 'button button--secondary button--small';
      button.setAttribute('aria-label', "Dépointer l'écriture n° " + pj);
    } else {
      form.action = form.action.replace(UNPOINT, '/pointage');
      button.textContent = 'Pointer';
      button.className = 'button button--small';
      button.setAttribute('aria-label', "Pointer l'écriture n° " + pj);
    }
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-pointage')) return;
    if (!POINT.test(form.action) && !UNPOINT.test(form.action)) return;
    event.preventDefault();
    var button = form.querySelector('button');
    button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    })
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (type.indexOf('application/json') < 0) throw new Error('not an answer of ours');
        return response.json();
      })
      .then(function (answer) {
        button.disabled = false;
        announce(answer.message, !answer.ok);
        if (!answer.ok) return;
        show(form, answer.reconciled);
        var summary = document.querySelector('[data-pointage-summary]');
        if (summary && answer.summary) summary.textContent = answer.summary;
        button.focus();
      })
      .catch(function () {
        form.submit();
      });
  });
})();
