// OIT list by fiscal year (data/oit-YYYY.json)
(function () {
  var sel = document.getElementById('oit-year');
  var body = document.getElementById('oit-list');
  var title = document.getElementById('oit-title');
  function show(year) {
    body.innerHTML = '<tr><td colspan="3">กำลังโหลดข้อมูล...</td></tr>';
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/data/oit-' + year + '.json');
    xhr.onload = function () {
      if (xhr.status !== 200) { body.innerHTML = '<tr><td colspan="3">ไม่พบข้อมูล</td></tr>'; return; }
      var d = JSON.parse(xhr.responseText);
      title.textContent = d.title;
      var html = '';
      d.items.forEach(function (it) {
        html += '<tr><td>' + it.code + '</td><td>' + it.name + '</td><td>' +
          (it.url ? '<a href="' + it.url + '" target="_blank">' + it.text + '</a>' : '<span class="wait">' + it.note + '</span>') +
          '</td></tr>';
      });
      body.innerHTML = html;
    };
    xhr.send();
  }
  sel.addEventListener('change', function () { show(sel.value); });
  show(sel.value);
})();
