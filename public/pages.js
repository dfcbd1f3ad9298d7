// Cahier Coop — small progressive enhancement of the mandataire's pages (the pages work without it).
// Live "reste à ventiler" (or total) on the portrait form, live total of the cash count.
(function () {
  'use strict';

  /** French amount typed by the user → cents, or null ("1 234,5" → 123450). Same rules as the server. */
  function cents(text) {
    var t = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, '');
    if (t === '') return 0;
    var m = /^(\d{1,13})(?:[.,](\d{0,2}))?$/.exec(t);
    if (!m) return null;
    return Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2));
  }

  function euros(value) {
    var sign = value < 0 ? '-' : '';
    var abs = Math.abs(value);
    var units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    return sign + units + ',' + String(abs % 100).padStart(2, '0') + '\u00a0€';
  }

  function sum(inputs) {
    var total = 0;
    var bad = false;
    inputs.forEach(function (input) {
      var c = cents(input.value);
      if (c === null) bad = true;
      else total += c;
    });
    return { total: total, bad: bad };
  }

  function payment(form) {
    var out = form.querySelector('[data-payment-total]');
    function update() {
      var amounts = sum(form.querySelectorAll('input[name$="[amount]"]'));
      out.textContent = amounts.bad ? 'Un montant n\u2019est pas lisible : écrivez par exemple 1 234,50.' : 'Total : ' + euros(amounts.total);
    }
    form.addEventListener('input', update);
    update();
  }

  function portrait(form) {
    if (form.querySelector('[data-payment-total]')) return payment(form);
    var out = form.querySelector('[data-remaining]');
    var debitCell = form.querySelector('[data-total-debit]');
    var creditCell = form.querySelector('[data-total-credit]');
    function update() {
      var debits = sum(form.querySelectorAll('input[name$="[debit]"]'));
      var credits = sum(form.querySelectorAll('input[name$="[credit]"]'));
      if (debitCell) debitCell.textContent = euros(debits.total);
      if (creditCell) creditCell.textContent = euros(credits.total);
      var rest = debits.total - credits.total;
      out.classList.toggle('page-remaining--ok', rest === 0 && debits.total > 0 && !debits.bad && !credits.bad);
      if (debits.bad || credits.bad) out.textContent = 'Un montant n\u2019est pas lisible : écrivez par exemple 1 234,50.';
      else if (rest === 0 && debits.total > 0) out.textContent = 'Écriture équilibrée.';
      else out.textContent = 'Reste à ventiler : ' + euros(rest) + (rest > 0 ? ' (les débits dépassent les crédits)' : rest < 0 ? ' (les crédits dépassent les débits)' : '');
    }
    form.addEventListener('input', update);
    update();
  }

  function cash(form) {
    var out = form.querySelector('[data-cash-total]');
    var balanceEl = document.querySelector('[data-cash-balance]');
    var balance = balanceEl ? Number(balanceEl.getAttribute('data-cash-balance')) : 0;
    function update() {
      var total = 0;
      var bad = false;
      var typed = false;
      form.querySelectorAll('input[name^="n_"]').forEach(function (input) {
        var v = input.value.trim();
        if (v === '') return;
        typed = true;
        if (!/^\d+$/.test(v)) { bad = true; return; }
        total += Number(input.name.slice(2)) * Number(v);
      });
      // A blank form compares nothing: after a save it would contradict the status just above.
      out.classList.toggle('page-remaining--idle', !typed);
      out.classList.remove('page-remaining--ok');
      if (!typed) { out.textContent = 'Total compté : saisissez le nombre de pièces et de billets.'; return; }
      if (bad) { out.textContent = 'Indiquez des nombres entiers de pièces et de billets.'; return; }
      var diff = total - balance;
      out.classList.toggle('page-remaining--ok', diff === 0);
      out.textContent = 'Total compté : ' + euros(total) + ' — ' + (diff === 0 ? 'conforme au solde du compte 530.' : 'différence avec le solde 530 : ' + euros(diff) + '.');
    }
    form.addEventListener('input', update);
    update();
  }

  document.querySelectorAll('form[data-portrait]').forEach(portrait);
  document.querySelectorAll('form[data-cash]').forEach(cash);
})();
