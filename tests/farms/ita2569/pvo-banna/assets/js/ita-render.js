(function(){
  var tb = document.getElementById('ita-body');
  if (!tb || typeof ITA_2569 === 'undefined') return;
  ITA_2569.forEach(function(r){
    var tr = document.createElement('tr');
    var c1 = document.createElement('td'); c1.textContent = r[0];
    var c2 = document.createElement('td'); c2.textContent = r[1];
    var c3 = document.createElement('td');
    if (r[2].length === 0) { c3.textContent = 'อยู่ระหว่างดำเนินการ'; }
    r[2].forEach(function(u, i){
      var a = document.createElement('a'); a.href = u; a.textContent = 'ดาวน์โหลด' + (r[2].length > 1 ? ' ' + (i+1) : '');
      a.target = '_blank'; c3.appendChild(a); c3.appendChild(document.createTextNode(' '));
    });
    tr.appendChild(c1); tr.appendChild(c2); tr.appendChild(c3); tb.appendChild(tr);
  });
})();
