// Cahier Coop — the membership page's amounts follow the numbers as they are typed (the page works without it:
// the server computes the same amounts when the form is saved). Rates come from the form's data attributes, in cents.
(function () {
  'use strict';
  var form = document.getElementById('membership-form');
  if (!form || !form.dataset.pupil) return;
  var rates = {
    pupil: Number(form.dataset.pupil),
    adult: Number(form.dataset.adult),
    insurance: Number(form.dataset.insurance),
    magazine: Number(form.dataset.magazine),
  };

  function count(input) {
    var t = String((input && input.value) || '').trim();
    return /^\d{1,4}$/.test(t) ? Number(t) : 0;
  }

  /** French amount → cents, as the server reads it ("12,5" → 1250); 0 when not one. */
  function cents(text) {
    var t = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, '');
    var m = /^(\d{1,9})(?:[.,](\d{0,2}))?$/.exec(t);
    return m ? Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2)) : 0;
  }

  function euros(value) {
    var units = String(Math.floor(value / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    return units + ',' + String(value % 100).padStart(2, '0') + '\u00a0€';
  }

  function field(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function update() {
    var pupils = 0;
    var adults = count(field('otherAdults'));
    form.querySelectorAll('tbody tr').forEach(function (row) {
      var removed = row.querySelector('input[name$="[remove]"]');
      if (removed && removed.checked) return;
      pupils += count(row.querySelector('input[name$="[pupils]"]'));
      adults += count(row.querySelector('input[name$="[teachers]"]'));
    });
    var due = {
      cotisation: pupils * rates.pupil + adults * rates.adult,
      insurance: (pupils + adults) * rates.insurance,
      magazines: count(field('magazines')) * rates.magazine,
      voluntary: cents(field('voluntary') && field('voluntary').value),
    };
    due.total = due.cotisation + due.insurance + due.magazines + due.voluntary;
    Object.keys(due).forEach(function (key) {
      var out = document.getElementById('due-' + key);
      if (out) out.textContent = euros(due[key]);
    });
    var people = document.getElementById('due-people');
    if (people) people.textContent = pupils + ' élèves et ' + adults + ' adultes.';
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);
})();
