// Cahier Coop — the site menu on a phone: the links fold behind a "Menu" button (they wrap without this script).
(function () {
  'use strict';
  var nav = document.querySelector('.site-nav');
  var button = nav && nav.querySelector('.site-nav__toggle');
  if (!button) return;
  var phone = window.matchMedia('(max-width: 48rem)');
  function fold() {
    var open = button.getAttribute('aria-expanded') === 'true';
    button.hidden = !phone.matches;
    nav.classList.toggle('site-nav--folded', phone.matches && !open);
    nav.classList.toggle('site-nav--open', phone.matches && open);
  }
  button.addEventListener('click', function () {
    button.setAttribute('aria-expanded', button.getAttribute('aria-expanded') === 'true' ? 'false' : 'true');
    fold();
  });
  phone.addEventListener('change', fold);
  fold();
})();
