document.addEventListener('DOMContentLoaded',function(){
  var tabs=document.querySelectorAll('.nav-tabs a[data-toggle="tab"]');
  tabs.forEach(function(a){a.addEventListener('click',function(e){e.preventDefault();
    tabs.forEach(function(b){b.classList.remove('active');document.querySelector(b.getAttribute('href')).classList.remove('active');});
    a.classList.add('active');document.querySelector(a.getAttribute('href')).classList.add('active');});});
});