/* อบจ.ศรีวารินทร์ web app */
(function () {
  'use strict';
  var api = {};
  function get(name) {
    if (!api[name]) { api[name] = fetch('/api/' + name + '.json').then(function (r) { return r.json(); }); }
    return api[name];
  }
  function tpl(str, data) {
    return str.replace(/\{\{\s*([\w.]+)\s*\}\}/g, function (_, k) {
      return k.split('.').reduce(function (o, p) { return o == null ? '' : o[p]; }, data);
    });
  }
  var state = { itaTab: 2568 };

  function frame(menu) {
    var nav = menu.items.map(function (m) {
      if (m.children) {
        return '<li class="has-sub"><a href="">' + m.label + '</a><ul>' + m.children.map(function (c) {
          return tpl('<li><a href="{{href}}">{{label}}</a></li>', c);
        }).join('') + '</ul></li>';
      }
      return tpl('<li><a href="{{href}}">{{label}}</a></li>', m);
    }).join('');
    document.getElementById('root').innerHTML =
      '<header class="masthead"><img src="/static/img/logo.png" alt=""><h1>' + menu.brand + '</h1></header>' +
      '<nav class="mainnav"><ul>' + nav + '</ul></nav><section id="view" class="view"></section>' +
      '<footer class="foot">องค์การบริหารส่วนจังหวัดศรีวารินทร์ เลขที่ 1 ถนนศูนย์ราชการ ตำบลในเมือง อำเภอเมืองศรีวารินทร์ จังหวัดศรีวารินทร์ 47990 โทร. 042-990-100</footer>';
    Array.prototype.forEach.call(document.querySelectorAll('.has-sub > a'), function (a) {
      a.addEventListener('click', function (e) { e.preventDefault(); a.parentNode.classList.toggle('open'); });
    });
  }
  function show(title, html) {
    document.getElementById('view').innerHTML = html;
    document.title = title ? title + ' - อบจ.ศรีวารินทร์' : 'องค์การบริหารส่วนจังหวัดศรีวารินทร์';
  }
  function newsRow(n) { return tpl('<li><a href="#!/news/{{id}}">{{title}}</a> <small>({{date}})</small></li>', n); }

  function home() {
    get('news').then(function (news) {
      show('', '<div class="hero">ยินดีต้อนรับสู่องค์การบริหารส่วนจังหวัดศรีวารินทร์</div><h2>ข่าวประชาสัมพันธ์</h2><ul>' +
        news.map(newsRow).join('') + '</ul><p><a href="#!/news">ข่าวทั้งหมด</a> · <a href="#!/ita">ITA / OIT</a></p>');
    });
  }
  function newsList() { get('news').then(function (news) { show('ข่าวสาร', '<h2>ข่าวสาร</h2><ul>' + news.map(newsRow).join('') + '</ul>'); }); }
  function newsOne(p) {
    get('news').then(function (news) {
      var n = news.filter(function (x) { return String(x.id) === p.id; })[0];
      if (!n) { return notFound(); }
      show(n.title, tpl('<article><h2>{{title}}</h2><p class="muted">ประกาศเมื่อ {{date}}</p><p>{{detail}}</p></article>', n));
    });
  }
  function page(p) {
    get('pages').then(function (pages) {
      var d = pages[p.slug];
      if (!d) { return notFound(); }
      show(d.title, '<h2>' + d.title + '</h2>' + d.content);
    });
  }
  function ita() {
    get('ita').then(function (d) {
      var tab = d.tabs.filter(function (t) { return t.year === state.itaTab; })[0];
      var head = '<ul class="tabs">' + d.tabs.map(function (t) {
        return '<li class="' + (t.year === tab.year ? 'active' : '') + '"><a href="" data-year="' + t.year + '">' + t.label + '</a></li>';
      }).join('') + '</ul>';
      var rows = tab.items.map(function (it) {
        var links = it.links.length ? it.links.map(function (l) {
          return '<a href="' + l.href + '"' + (l.href.indexOf('http') === 0 ? ' target="_blank"' : '') + '>' + l.text + '</a>';
        }).join(' ') : '<span class="st">' + (it.status || '-') + '</span>';
        return '<tr><td>' + it.code + '</td><td>' + it.name + '</td><td>' + links + '</td></tr>';
      }).join('');
      show('ITA', '<h2>การประเมินคุณธรรมและความโปร่งใส (ITA)</h2>' + head + '<div class="tab-pane"><h3>' + tab.heading +
        '</h3><table><tr><th>ข้อ</th><th>ข้อมูล</th><th>ลิงก์</th></tr>' + rows + '</table></div>');
      Array.prototype.forEach.call(document.querySelectorAll('.tabs a'), function (a) {
        a.addEventListener('click', function (e) { e.preventDefault(); state.itaTab = Number(a.getAttribute('data-year')); ita(); });
      });
    });
  }
  function itaDetail(p) {
    get('ita').then(function (d) {
      var x = d.details[p.year + '/' + p.code];
      if (!x) { return notFound(); }
      show(x.title, '<p><a href="#!/ita">ITA</a> / ' + p.year + ' / ' + p.code.toUpperCase() + '</p><h2>' + x.title + '</h2>' + x.content);
    });
  }
  function notFound() { show('ไม่พบหน้า', '<h2>ไม่พบหน้าที่ท่านต้องการ</h2><p><a href="#!/">กลับหน้าหลัก</a></p>'); }

  get('menu').then(function (menu) {
    frame(menu);
    Router.when('/', home).when('/news', newsList).when('/news/:id', newsOne).when('/page/:slug', page)
      .when('/ita', ita).when('/ita/:year/:code', itaDetail).otherwise(notFound).start();
  });
})();
