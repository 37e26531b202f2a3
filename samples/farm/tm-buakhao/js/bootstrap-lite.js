/* bootstrap-lite: collapse + dropdown (subset) */
(function () {
  document.addEventListener('click', function (e) {
    var t = e.target.closest('[data-toggle="collapse"]');
    if (!t) { return; }
    e.preventDefault();
    var target = document.querySelector(t.getAttribute('data-target'));
    if (!target) { return; }
    var parent = target.getAttribute('data-parent');
    var willShow = !target.classList.contains('show');
    if (parent && willShow) {
      Array.prototype.forEach.call(document.querySelectorAll(parent + ' .collapse.show'), function (o) {
        o.classList.remove('show');
        var b = document.querySelector('[data-target="#' + o.id + '"]');
        if (b) { b.setAttribute('aria-expanded', 'false'); }
      });
    }
    target.classList.toggle('show', willShow);
    t.setAttribute('aria-expanded', willShow ? 'true' : 'false');
  });
})();
