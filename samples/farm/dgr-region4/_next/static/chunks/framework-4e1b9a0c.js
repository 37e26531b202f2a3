/*! framework-4e1b9a0c.js (c) built with next export | tiny DOM runtime */
(function (w) {
  'use strict';
  function h(tag, props) {
    var el = document.createElement(tag);
    var kids = Array.prototype.slice.call(arguments, 2);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (k === 'className') { el.className = v; }
      else if (k === 'html') { el.innerHTML = v; }
      else if (k.slice(0, 2) === 'on') { el.addEventListener(k.slice(2).toLowerCase(), v); }
      else if (v !== undefined && v !== null && v !== false) { el.setAttribute(k, v); }
    });
    kids.forEach(function add(c) {
      if (c === null || c === undefined || c === false) { return; }
      if (Array.isArray(c)) { c.forEach(add); return; }
      el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return el;
  }
  w.__R = { h: h };
})(window);
