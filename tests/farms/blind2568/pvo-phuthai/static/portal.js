document.querySelectorAll('.acc-head').forEach(function(h){h.addEventListener('click',function(){var b=document.getElementById(h.getAttribute('data-target'));b.classList.toggle('collapse');});});
