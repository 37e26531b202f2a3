var MENU=[["หน้าแรก","/"],["เกี่ยวกับ อบจ.",[["ประวัติ","/about/history.html"],["โครงสร้าง","/about/structure.html"],["คณะผู้บริหาร","/about/executives.html"],["สมาชิกสภา อบจ.","/about/council.html"]]],
["ข่าวสาร",[["ข่าวประชาสัมพันธ์","/news/"],["ภาพกิจกรรม","/gallery.html"]]],["บริการประชาชน",[["คู่มือประชาชน","/service/manual.html"],["E-Service","/service/eservice.html"],["แหล่งท่องเที่ยว","/tourism.html"]]],
["ITA 2568","/ita/2568/"],["ร้องเรียนการทุจริต","/complaint/corruption.html"],["ติดต่อเรา","/about/contact.html"]];
(function(){var h='<ul class="menu">';MENU.forEach(function(m){if(typeof m[1]==="string"){h+='<li><a href="'+m[1]+'">'+m[0]+'</a></li>';}
else{h+='<li><span>'+m[0]+'</span><ul>';m[1].forEach(function(s){h+='<li><a href="'+s[1]+'">'+s[0]+'</a></li>';});h+='</ul></li>';}});
document.getElementById("mainmenu").innerHTML=h+'</ul>';})();