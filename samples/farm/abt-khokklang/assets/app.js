/* อบต.โคกกลาง - เว็บไซต์ (SPA) v1.3  ผู้พัฒนา: ทีมงานไอทีท้องถิ่น */
(function () {
  'use strict';
  var SITE = {
    name: 'องค์การบริหารส่วนตำบลโคกกลาง',
    en: 'Khok Klang Subdistrict Administrative Organization',
    footer: 'องค์การบริหารส่วนตำบลโคกกลาง หมู่ที่ 5 ตำบลโคกกลาง อำเภอหนองสองห้อง จังหวัดขอนแก่น 40190 โทร. 043-009-411'
  };
  var MENU = [{"t": "หน้าแรก", "h": "#/"}, {"t": "ข้อมูลพื้นฐาน", "sub": [{"t": "ประวัติความเป็นมา", "h": "#/about/history"}, {"t": "โครงสร้างองค์กร", "h": "#/about/structure"}, {"t": "คณะผู้บริหาร", "h": "#/about/executives"}]}, {"t": "ข่าวประชาสัมพันธ์", "h": "#/news"}, {"t": "บริการประชาชน", "sub": [{"t": "คู่มือสำหรับประชาชน", "h": "#/service/manual"}, {"t": "E-Service", "h": "#/eservice"}]}, {"t": "ITA 2568", "h": "#/ita"}, {"t": "ร้องเรียนการทุจริต", "h": "#/complaint"}, {"t": "ติดต่อเรา", "h": "#/contact"}];
  var PAGES = {
"about/structure": {
"title": "โครงสร้างและอำนาจหน้าที่",
"html": "<h2>แผนภูมิโครงสร้างองค์กร</h2><p>นายกองค์การบริหารส่วนตำบลโคกกลาง</p><ul><li>สำนักปลัด</li><li>กองคลัง</li><li>กองช่าง</li><li>กองการศึกษา ศาสนาและวัฒนธรรม</li><li>กองสาธารณสุขและสิ่งแวดล้อม</li></ul><h2>อำนาจหน้าที่</h2><p>ตามพระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537 และที่แก้ไขเพิ่มเติม และพระราชบัญญัติกำหนดแผนและขั้นตอนการกระจายอำนาจให้แก่องค์กรปกครองส่วนท้องถิ่น พ.ศ. 2542</p><ol><li>จัดให้มีและบำรุงรักษาทางน้ำและทางบก</li><li>รักษาความสะอาดของถนน ทางน้ำ ทางเดิน และที่สาธารณะ รวมทั้งกำจัดมูลฝอยและสิ่งปฏิกูล</li><li>ป้องกันโรคและระงับโรคติดต่อ</li><li>ป้องกันและบรรเทาสาธารณภัย</li><li>ส่งเสริมการศึกษา ศาสนา และวัฒนธรรม</li><li>ส่งเสริมการพัฒนาสตรี เด็ก เยาวชน ผู้สูงอายุ และผู้พิการ</li></ol>"
},
"about/executives": {
"title": "คณะผู้บริหาร",
"html": "<p>คณะผู้บริหารองค์การบริหารส่วนตำบลโคกกลาง</p><table><tr><th>ชื่อ-สกุล</th><th>ตำแหน่ง</th><th>โทรศัพท์</th></tr><tr><td>นายสมศักดิ์ พันธ์โคตร</td><td>นายกองค์การบริหารส่วนตำบลโคกกลาง</td><td>081-260-4471</td></tr><tr><td>นายบุญมี ศรีสุข</td><td>รองนายก อบต.</td><td>089-711-2033</td></tr><tr><td>นางสาวจันทร์เพ็ญ ไชยมาตย์</td><td>รองนายก อบต.</td><td>062-554-1180</td></tr><tr><td>นายประเสริฐ วงศ์ภักดี</td><td>ปลัด อบต.</td><td>043-009-412</td></tr></table>"
},
"contact": {
"title": "ติดต่อเรา",
"html": "<p><b>องค์การบริหารส่วนตำบลโคกกลาง</b><br>หมู่ที่ 5 ตำบลโคกกลาง อำเภอหนองสองห้อง จังหวัดขอนแก่น 40190</p><p>โทรศัพท์ 043-009-411 โทรสาร 043-009-412<br>อีเมล saraban@khokklang.go.th<br>วันและเวลาราชการ จันทร์ - ศุกร์ 08.30 - 16.30 น.</p><p>แผนที่: <a href=\"https://maps.google.com/?q=อบต.โคกกลาง+หนองสองห้อง\">Google Maps</a></p><h3>ถาม-ตอบ</h3><p>สอบถามข้อมูลผ่าน LINE Official: @khokklang หรือ <a href=\"#/qa\">กระดานถาม-ตอบ</a></p>"
},
"qa": {
"title": "กระดานถาม-ตอบ (Q&amp;A)",
"html": "<p>ถาม: ชำระภาษีที่ดินได้ถึงวันไหน<br>ตอบ: ภายในเดือนเมษายน 2568 ค่ะ (กองคลัง)</p><p>ถาม: ขอรับน้ำอุปโภคบริโภคต้องทำอย่างไร<br>ตอบ: ยื่นคำร้องที่สำนักปลัด หรือทางเมนู E-Service</p>"
},
"about/history": {
"title": "ประวัติความเป็นมา",
"html": "<p>องค์การบริหารส่วนตำบลโคกกลาง ยกฐานะจากสภาตำบลโคกกลาง เมื่อปี พ.ศ. 2540 มีพื้นที่ 42 ตารางกิโลเมตร 11 หมู่บ้าน ประชากร 6,214 คน อาชีพหลักทำนาและทอผ้าไหม</p>"
},
"service/manual": {
"title": "คู่มือสำหรับประชาชน",
"html": "<p>ตามพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ พ.ศ. 2558</p><table><tr><th>งานบริการ</th><th>เอกสารที่ต้องใช้</th><th>ระยะเวลา</th><th>ค่าธรรมเนียม</th></tr><tr><td>ชำระภาษีที่ดินและสิ่งปลูกสร้าง</td><td>สำเนาโฉนด/บัตรประชาชน</td><td>1 วัน</td><td>-</td></tr><tr><td>ขออนุญาตก่อสร้างอาคาร</td><td>แบบ ข.1 แบบแปลน สำเนาโฉนด</td><td>45 วัน</td><td>ตามกฎกระทรวง</td></tr><tr><td>ลงทะเบียนเบี้ยยังชีพผู้สูงอายุ</td><td>บัตรประชาชน สมุดบัญชีธนาคาร</td><td>1 วัน</td><td>-</td></tr></table>"
},
"eservice": {
"title": "E-Service บริการออนไลน์",
"html": "<p>ประชาชนสามารถยื่นคำร้องผ่านระบบออนไลน์ได้ตลอด 24 ชั่วโมง โดยไม่ต้องเดินทางมาที่อบต.โคกกลาง</p><form action=\"#\" method=\"post\"><p>ประเภทคำร้อง <select name=\"type\"><option>ขอรับน้ำอุปโภคบริโภค</option><option>ขอความช่วยเหลือสาธารณภัย</option><option>แจ้งซ่อมไฟฟ้าสาธารณะ</option><option>ขอใช้สถานที่/วัสดุอุปกรณ์</option></select></p><p>ชื่อ-สกุล <input name=\"name\" required></p><p>เลขบัตรประชาชน <input name=\"pid\"></p><p>เบอร์โทรศัพท์ <input name=\"tel\"></p><p>รายละเอียด <textarea name=\"detail\"></textarea></p><p><button type=\"submit\">ส่งคำร้อง</button></p></form><p>เจ้าหน้าที่จะติดต่อกลับภายใน 1 วันทำการ</p>"
},
"complaint": {
"title": "แจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
"html": "<p>ท่านสามารถแจ้งเรื่องร้องเรียน/แจ้งเบาะแสการทุจริตและประพฤติมิชอบของเจ้าหน้าที่ได้ทางแบบฟอร์มนี้ ข้อมูลผู้แจ้งจะถูกเก็บเป็นความลับ</p><form action=\"#\" method=\"post\"><p>ชื่อ-สกุล (ไม่ระบุก็ได้) <input name=\"name\"></p><p>เจ้าหน้าที่/หน่วยงานที่ถูกร้องเรียน <input name=\"target\"></p><p>พฤติการณ์การทุจริต <textarea name=\"detail\" required></textarea></p><p>แนบหลักฐาน <input type=\"file\" name=\"file\"></p><p><button type=\"submit\">ส่งเรื่องร้องเรียน</button></p></form><p>หรือโทร 043-009-411 / สายด่วน ป.ป.ช. 1205</p>"
}
};
  var cache = {};

  function getJSON(url) {
    if (cache[url]) { return Promise.resolve(cache[url]); }
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (d) { cache[url] = d; return d; });
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  function shell() {
    var nav = '<ul>' + MENU.map(function (m) {
      if (m.sub) {
        return '<li><span>' + m.t + '</span><ul>' + m.sub.map(function (s) {
          return '<li><a href="' + s.h + '">' + s.t + '</a></li>';
        }).join('') + '</ul></li>';
      }
      return '<li><a href="' + m.h + '">' + m.t + '</a></li>';
    }).join('') + '</ul>';
    document.getElementById('app').innerHTML =
      '<header class="top"><img src="/assets/logo.png" alt="ตรา อบต.โคกกลาง"><div><div class="n">' + SITE.name +
      '</div><div class="e">' + SITE.en + '</div></div></header><nav>' + nav + '</nav>' +
      '<main id="view"></main><footer>' + SITE.footer + '</footer>';
  }

  function view(html, title) {
    document.getElementById('view').innerHTML = html;
    document.title = (title ? title + ' - ' : '') + SITE.name;
    window.scrollTo(0, 0);
  }

  function home() {
    view('<p class="loading">กำลังโหลด...</p>');
    getJSON('/data/news.json').then(function (news) {
      var h = '<div class="banners"><a href="#/ita"><img src="/assets/banner-ita.png" alt="ITA 2568" width="300" height="90"></a></div>';
      h += '<h2>ข่าวประชาสัมพันธ์ล่าสุด</h2><ul class="news">';
      news.slice(0, 5).forEach(function (n) {
        h += '<li><a href="#/news/' + n.id + '">' + esc(n.title) + '</a><span class="date">' + n.date + '</span></li>';
      });
      h += '</ul><p><a href="#/news">ข่าวทั้งหมด &raquo;</a></p>';
      view(h, '');
    });
  }

  function newsList() {
    getJSON('/data/news.json').then(function (news) {
      var h = '<h1>ข่าวประชาสัมพันธ์</h1><ul class="news">';
      news.forEach(function (n) {
        h += '<li><a href="#/news/' + n.id + '">' + esc(n.title) + '</a><span class="date">' + n.date + '</span></li>';
      });
      view(h + '</ul>', 'ข่าวประชาสัมพันธ์');
    });
  }

  function newsItem(id) {
    getJSON('/data/news.json').then(function (news) {
      var n = news.filter(function (x) { return String(x.id) === id; })[0];
      if (!n) { return notFound(); }
      view('<h1>' + esc(n.title) + '</h1><p class="date">วันที่ ' + n.date + '</p><p>' + esc(n.body) +
           '</p><p><a href="#/news">&laquo; กลับหน้าข่าว</a></p>', n.title);
    });
  }

  function ita() {
    getJSON('/data/ita-2568.json').then(function (d) {
      var h = '<h1>' + d.title + '</h1><p>ปรับปรุงข้อมูลล่าสุด ' + d.updated + '</p>';
      h += '<table><tr><th>ข้อ</th><th>รายการ</th><th>ข้อมูล</th></tr>';
      d.topics.forEach(function (t) {
        h += '<tr><th colspan="3" style="text-align:left">' + t.name + '</th></tr>';
        t.items.forEach(function (it) {
          var links = it.links.map(function (l) { return '<a href="' + l.href + '">' + l.text + '</a>'; }).join('<br>');
          h += '<tr><td>' + it.code + '</td><td>' + it.name + '</td><td>' +
               (links || '<span class="note">' + (it.note || '-') + '</span>') + '</td></tr>';
        });
      });
      view(h + '</table>', 'ITA 2568');
    });
  }

  function itaItem(code) {
    getJSON('/data/ita-2568.json').then(function (d) {
      var p = d.pages[code];
      if (!p) { return notFound(); }
      view('<p><a href="#/ita">ITA 2568</a> &gt; ' + code.toUpperCase() + '</p><h1>' + p.title + '</h1>' + p.html, p.title);
    });
  }

  function notFound() {
    view('<h1>ไม่พบหน้าที่ต้องการ</h1><p><a href="#/">กลับหน้าแรก</a></p>', 'ไม่พบหน้า');
  }

  function route() {
    var path = (location.hash || '#/').replace(/^#\/?/, '').replace(/\/$/, '');
    var m;
    if (path === '') { return home(); }
    if (path === 'news') { return newsList(); }
    if ((m = path.match(/^news\/(\d+)$/))) { return newsItem(m[1]); }
    if (path === 'ita') { return ita(); }
    if ((m = path.match(/^ita\/(o\d+)$/))) { return itaItem(m[1]); }
    if (PAGES[path]) { return view('<h1>' + PAGES[path].title + '</h1>' + PAGES[path].html, PAGES[path].title); }
    notFound();
  }

  shell();
  window.addEventListener('hashchange', route);
  route();
})();
