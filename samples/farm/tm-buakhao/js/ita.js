/* ITA 2568 - หมวด 8 โหลดรายการเมื่อคลิก (ลดขนาดหน้า) */
var ITA_ANTI = [
  ['O23', 'การประเมินความเสี่ยงการทุจริตและประพฤติมิชอบ ประจำปีงบประมาณ พ.ศ. 2568', '/files/ita/risk-2568.pdf'],
  ['O24', 'รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริตและประพฤติมิชอบ ประจำปี 2567', '/files/ita/risk-report-2567.pdf'],
  ['O25', 'แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568', '/anticorruption/plan-2568.html'],
  ['O26', 'รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567', '/files/ita/anticorrupt-report-2567.pdf']
];
var ITA = {
  lists: { anti: ITA_ANTI },
  open: function (key, btn) {
    var panel = document.getElementById(btn.getAttribute('aria-controls'));
    var box = document.getElementById('list-' + key);
    if (!box.getAttribute('data-loaded')) {
      var html = '<table class="table">';
      ITA.lists[key].forEach(function (r) {
        html += '<tr><td>' + r[0] + '</td><td>' + r[1] + '</td><td><a class="btn-dl" href="' + r[2] + '">ดาวน์โหลด</a></td></tr>';
      });
      box.innerHTML = html + '</table>';
      box.setAttribute('data-loaded', '1');
    }
    var show = btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', show ? 'true' : 'false');
    panel.hidden = !show;
    panel.classList.toggle('show', show);
  }
};
