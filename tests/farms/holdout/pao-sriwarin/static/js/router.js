/* mini hashbang router (#!/path/:param) */
(function (w) {
  'use strict';
  var routes = [], fallback = null;
  function compile(pattern) {
    var keys = [];
    var re = new RegExp('^' + pattern.replace(/:(\w+)/g, function (_, k) { keys.push(k); return '([^/]+)'; }) + '/?$');
    return { re: re, keys: keys };
  }
  var Router = {
    when: function (pattern, handler) { var c = compile(pattern); c.handler = handler; routes.push(c); return Router; },
    otherwise: function (handler) { fallback = handler; return Router; },
    path: function () { var h = w.location.hash; return h.indexOf('#!') === 0 ? (h.slice(2) || '/') : '/'; },
    go: function () {
      var p = Router.path();
      for (var i = 0; i < routes.length; i++) {
        var m = p.match(routes[i].re);
        if (m) {
          var params = {};
          routes[i].keys.forEach(function (k, j) { params[k] = decodeURIComponent(m[j + 1]); });
          return routes[i].handler(params);
        }
      }
      if (fallback) { fallback(); }
    },
    start: function () { w.addEventListener('hashchange', Router.go); Router.go(); }
  };
  w.Router = Router;
})(window);
