document.addEventListener('DOMContentLoaded',function(){
 document.querySelectorAll('.accordion-button').forEach(function(b){
  b.addEventListener('click',function(){var t=document.getElementById(b.getAttribute('data-target'));
   if(t){t.classList.toggle('show');}});});});