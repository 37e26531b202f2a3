/*! app.4f8c2a.js - สำนักงานที่ดินจังหวัดชัยบุรี */
(function () {
  'use strict';
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };

  // ข่าวสาร (home + /news/)
  document.querySelectorAll('#news-widget').forEach(function (box) {
    MiniVue.createApp({
      data: function () { return { items: [], limit: Number(box.getAttribute('data-limit') || 0) }; },
      template: function () {
        var list = this.limit ? this.items.slice(0, this.limit) : this.items;
        return '<h2 class="sec">ข่าวประชาสัมพันธ์</h2><ul class="news">' + list.map(function (n) {
          return '<li><a href="/news/' + n.slug + '.html">' + esc(n.title) + '</a> <time>' + n.date + '</time></li>';
        }).join('') + '</ul>' + (this.limit ? '<p><a href="/news/">ข่าวทั้งหมด</a></p>' : '');
      },
      mounted: function () {
        var vm = this;
        fetch('/api/news.json').then(function (r) { return r.json(); }).then(function (d) { vm.items = d.data; });
      }
    }).mount(box);
  });

  // OIT: ปีงบประมาณ + แท็บหมวด
  MiniVue.createApp({
    data: function () { return { years: [2568, 2567], year: 2568, oit: null, tab: 0 }; },
    template: function () {
      var vm = this;
      var h = '<div class="oit-toolbar"><label>ปีงบประมาณ <select data-on="change:pickYear">' + vm.years.map(function (y) {
        return '<option value="' + y + '"' + (y === vm.year ? ' selected' : '') + '>' + y + '</option>';
      }).join('') + '</select></label></div>';
      if (!vm.oit) { return h + '<p class="loading">กำลังโหลด...</p>'; }
      h += '<h2>' + vm.oit.title + '</h2><div class="tabs" role="tablist">' + vm.oit.topics.map(function (t, i) {
        return '<button type="button" role="tab" class="tab' + (i === vm.tab ? ' active' : '') + '" aria-selected="' + (i === vm.tab) +
          '" data-i="' + i + '" data-on="click:pickTab">' + t.label + '</button>';
      }).join('') + '</div>';
      var topic = vm.oit.topics[vm.tab];   // v-if: only the active tab is rendered
      h += '<div class="tab-panel" role="tabpanel"><table class="oit"><tr><th>ข้อ</th><th>รายการ</th><th>ไฟล์/ลิงก์</th></tr>' +
        topic.items.map(function (it) {
          var files = it.files.length ? it.files.map(function (f) {
            return '<a href="' + f.url + '" target="_blank" rel="noopener">' + esc(f.name) + '</a>';
          }).join('<br>') : '<span class="muted">' + (it.note || '-') + '</span>';
          return '<tr><td>' + it.code + '</td><td>' + esc(it.title) + '</td><td>' + files + '</td></tr>';
        }).join('') + '</table></div>';
      return h;
    },
    methods: {
      load: function () {
        var vm = this;
        fetch('/api/oit-' + vm.year + '.json').then(function (r) { return r.json(); }).then(function (d) { vm.tab = 0; vm.oit = d; });
      },
      pickYear: function (e) { this.year = Number(e.target.value); this.oit = null; this.load(); },
      pickTab: function (e, n) { this.tab = Number(n.getAttribute('data-i')); }
    },
    mounted: function () { this.load(); }
  }).mount('#oit-app');
})();
