/*! chunk-vendors: micro reactive view (Vue-like API subset) */
(function (w) {
  'use strict';
  var uid = 0;
  function createApp(opts) {
    var scope = 'data-v-' + (++uid).toString(16).padStart(6, '0');
    var vm = {};
    var data = opts.data ? opts.data() : {};
    var el;
    function render() {
      el.innerHTML = opts.template.call(vm);
      Array.prototype.forEach.call(el.querySelectorAll('*'), function (n) { n.setAttribute(scope, ''); });
      Array.prototype.forEach.call(el.querySelectorAll('[data-on]'), function (n) {
        var spec = n.getAttribute('data-on').split(':');
        n.addEventListener(spec[0], function (e) { vm[spec[1]].call(vm, e, n); });
      });
      el.removeAttribute('v-cloak');
    }
    Object.keys(data).forEach(function (k) {
      Object.defineProperty(vm, k, { get: function () { return data[k]; },
        set: function (v) { data[k] = v; if (el) { render(); } } });
    });
    Object.keys(opts.methods || {}).forEach(function (k) { vm[k] = opts.methods[k]; });
    return { mount: function (sel) {
      el = typeof sel === 'string' ? document.querySelector(sel) : sel;
      if (!el) { return null; }
      render();
      if (opts.mounted) { opts.mounted.call(vm); }
      return vm;
    } };
  }
  w.MiniVue = { createApp: createApp };
})(window);
