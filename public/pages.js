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
      // Green only for a total that can be saved; red for an amount that cannot be read.
      out.classList.toggle('page-remaining--ok', !amounts.bad && amounts.total > 0);
      out.classList.toggle('page-remaining--error', amounts.bad);
      out.textContent = amounts.bad ? 'Un montant n\u2019est pas lisible : écrivez par exemple 1 234,50 (deux chiffres après la virgule).' : 'Total : ' + euros(amounts.total);
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
      out.classList.toggle('page-remaining--error', debits.bad || credits.bad);
      if (debits.bad || credits.bad) out.textContent = 'Un montant n\u2019est pas lisible : écrivez par exemple 1 234,50.';
      else if (rest === 0 && debits.total > 0) out.textContent = 'Écriture équilibrée.';
      else out.textContent = 'Reste à ventiler : ' + euros(rest) + (rest > 0 ? ' (les débits dépassent les crédits)' : rest < 0 ? ' (les crédits dépassent les débits)' : '');
    }
    form.addEventListener('input', update);
    update();
  }

  /**
   * An advance explained (or returned) beyond what it holds: said as it is typed. The form knows
   * each advance's balance without this entry (data-advances); each line on the advance account
   * with a régie name moves it, on the side it is typed (the easy form: paid = debit).
   */
  function advances(form) {
    var out = form.querySelector('[data-advance-warning]');
    var balances;
    try { balances = JSON.parse(form.getAttribute('data-advances') || '{}'); } catch (e) { return; }
    // Régie names are user text: Maps, so "__proto__" or "constructor" is a régie like any other.
    var held = new Map(Object.keys(balances).map(function (name) { return [name, balances[name]]; }));
    var account = form.getAttribute('data-advance-account');
    function update() {
      var moved = new Map();
      var paid = !form.querySelector('input[name="direction"][value="recu"]:checked');
      form.querySelectorAll('[data-line]').forEach(function (line) {
        var select = line.querySelector('select[name$="[account]"]');
        var regie = line.querySelector('input[name$="[regie]"]');
        if (!select || !regie || select.value !== account || !regie.value.trim()) return;
        var debit = line.querySelector('input[name$="[debit]"]');
        var credit = line.querySelector('input[name$="[credit]"]');
        var amount = line.querySelector('input[name$="[amount]"]');
        var d = debit ? cents(debit.value) : amount && paid ? cents(amount.value) : 0;
        var c = credit ? cents(credit.value) : amount && !paid ? cents(amount.value) : 0;
        var name = regie.value.trim();
        moved.set(name, (moved.get(name) || 0) + (d || 0) - (c || 0));
      });
      var over = Array.from(moved.keys()).filter(function (name) { return (held.get(name) || 0) + moved.get(name) < 0; });
      out.hidden = over.length === 0;
      out.textContent = over.map(function (name) {
        var before = held.get(name) || 0;
        return 'La régie ' + name + ' ne détient que ' + euros(Math.max(before, 0)) + ' : cette écriture en explique ' + euros(-(before + moved.get(name))) +
          ' de trop. Si le conseil de coopérative a voté une régie complémentaire, saisissez d\u2019abord son versement ; sinon, vérifiez le montant.';
      }).join(' ');
    }
    form.addEventListener('input', update);
    form.addEventListener('change', update);
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
  document.querySelectorAll('form[data-advances]').forEach(advances);
  document.querySelectorAll('form[data-cash]').forEach(cash);
})();
