/*! pages/_app-7f3c2b9e.js  สำนักงานทรัพยากรน้ำบาดาล เขต 4 */
(function () {
  'use strict';
  var h = window.__R.h;
  var NAV = [['/', 'หน้าหลัก'], ['/about/', 'เกี่ยวกับหน่วยงาน'], ['/news/', 'ข่าวประชาสัมพันธ์'], ['/services/', 'บริการประชาชน'],
             ['/ita/', 'ITA'], ['/complaint/', 'ร้องเรียนการทุจริต'], ['/contact/', 'ติดต่อเรา']];
  var cache = {};
  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch('/data/' + name + '.json').then(function (r) { return r.json(); });
    }
    return cache[name];
  }
  function Link(href, text, cls) {
    return h('a', { href: href, className: cls || '', onClick: function (e) {
      if (e.ctrlKey || e.metaKey) { return; }
      e.preventDefault();
      history.pushState({}, '', href);
      render();
    } }, text);
  }
  function Layout(path, title, body) {
    document.title = title ? title + ' | สำนักงานทรัพยากรน้ำบาดาล เขต 4' : 'สำนักงานทรัพยากรน้ำบาดาล เขต 4';
    var nav = NAV.map(function (n) {
      return Link(n[0], n[1], (n[0] === '/' ? path === '/' : path.indexOf(n[0]) === 0) ? 'active' : '');
    });
    return h('div', null,
      h('header', { className: 'hdr' }, h('img', { src: '/logo-dgr.png', alt: '' }),
        h('div', null, h('b', null, 'สำนักงานทรัพยากรน้ำบาดาล เขต 4'), h('small', null, 'กรมทรัพยากรน้ำบาดาล กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม'))),
      h('nav', { className: 'nav' }, nav),
      h('main', { className: 'container' }, title ? h('h1', null, title) : null, body),
      h('footer', { className: 'ft' }, 'สำนักงานทรัพยากรน้ำบาดาล เขต 4 เลขที่ 99 หมู่ 4 ถนนมิตรภาพ ตำบลศิลา อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000 โทร. 043-246-180'));
  }
  function enhance(el) {  // CMS HTML: internal links navigate on the client
    Array.prototype.forEach.call(el.querySelectorAll('a[data-link]'), function (a) {
      a.addEventListener('click', function (e) { e.preventDefault(); history.pushState({}, '', a.getAttribute('href')); render(); });
    });
    return el;
  }
  function Home() {
    return load('news').then(function (d) {
      return [h('div', { className: 'card' }, h('b', null, 'ข่าวประชาสัมพันธ์'),
        h('ul', null, d.items.map(function (n) {
          return h('li', null, Link('/news/' + n.id + '/', n.title), ' ', h('span', { className: 'muted' }, n.date));
        }))),
        h('div', { className: 'card' }, h('b', null, 'ลิงก์แนะนำ'), h('ul', null,
          h('li', null, Link('/services/e-service/', 'ยื่นคำขออนุญาตน้ำบาดาลออนไลน์')),
          h('li', null, Link('/ita/2568/', 'ITA 2568 การเปิดเผยข้อมูลสาธารณะ (OIT)')),
          h('li', null, h('a', { href: 'https://www.dgr.go.th/' }, 'กรมทรัพยากรน้ำบาดาล'))))];
    });
  }
  function NewsList() {
    return load('news').then(function (d) {
      return h('ul', null, d.items.map(function (n) {
        return h('li', null, Link('/news/' + n.id + '/', n.title), ' ', h('span', { className: 'muted' }, n.date));
      }));
    });
  }
  function NewsItem(id) {
    return load('news').then(function (d) {
      var n = d.items.filter(function (x) { return String(x.id) === id; })[0];
      if (!n) { return { title: 'ไม่พบข้อมูล', body: h('p', null, '404') }; }
      return { title: n.title, body: [h('p', { className: 'muted' }, 'เผยแพร่เมื่อ ' + n.date), h('p', null, n.summary),
        h('p', null, Link('/news/', '« ข่าวทั้งหมด'))] };
    });
  }
  function Ita(year) {
    return load('ita-' + year).then(function (d) {
      var rows = [];
      d.groups.forEach(function (g) {
        rows.push(h('tr', null, h('th', { colspan: '3' }, g.title)));
        g.items.forEach(function (it) {
          var cell = it.links.length ? it.links.map(function (l, i) {
            var a = l.url.charAt(0) === '/' && l.url.indexOf('/uploads/') !== 0 ? Link(l.url, l.label)
              : h('a', { href: l.url, target: '_blank', rel: 'noopener' }, l.label);
            return [i ? h('br') : null, a];
          }) : h('span', { className: 'badge' }, it.note || '-');
          rows.push(h('tr', null, h('td', null, it.no), h('td', null, it.name), h('td', null, cell)));
        });
      });
      return { title: d.heading, body: [h('p', null, Link('/ita/', '« ITA ทุกปี')),
        h('table', null, h('tr', null, h('th', null, 'ข้อ'), h('th', null, 'รายการ'), h('th', null, 'ข้อมูล/ลิงก์')), rows)] };
    });
  }
  function CmsPage(key) {
    return load('pages').then(function (d) {
      var p = d[key];
      if (!p) { return { title: 'ไม่พบหน้าที่ต้องการ', body: h('p', null, '404 | This page could not be found.') }; }
      return { title: p.title, body: enhance(h('div', { html: p.body })) };
    });
  }
  function render() {
    var path = location.pathname.replace(/index\.html$/, '');
    if (path.charAt(path.length - 1) !== '/') { path += '/'; }
    var m, p;
    if (path === '/') { p = Home().then(function (b) { return { title: '', body: b }; }); }
    else if (path === '/news/') { p = NewsList().then(function (b) { return { title: 'ข่าวประชาสัมพันธ์', body: b }; }); }
    else if ((m = path.match(/^\/news\/(\d+)\/$/))) { p = NewsItem(m[1]); }
    else if ((m = path.match(/^\/ita\/(\d{4})\/$/))) { p = Ita(m[1]); }
    else { p = CmsPage(path.replace(/^\/|\/$/g, '')); }
    p.then(function (r) {
      var root = document.getElementById('__next');
      root.innerHTML = '';
      root.appendChild(Layout(path, r.title, r.body));
      window.scrollTo(0, 0);
    });
  }
  window.addEventListener('popstate', render);
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', render); } else { render(); }
})();
