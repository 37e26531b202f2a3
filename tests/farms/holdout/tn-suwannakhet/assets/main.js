// เมนูแบบเลื่อนลง (ตกแต่งเท่านั้น)
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('.menu .dropdown').forEach(function (li) {
    li.addEventListener('mouseenter', function () { li.classList.add('open'); });
    li.addEventListener('mouseleave', function () { li.classList.remove('open'); });
  });
  var t = document.querySelector('.nav-toggle');
  if (t) t.addEventListener('click', function () { document.querySelector('.menu').classList.toggle('show'); });
});
